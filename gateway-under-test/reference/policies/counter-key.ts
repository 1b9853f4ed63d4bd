/**
 * What an APIM counter-key (or set-header value) expression reads, when it is one of the common
 * forms; anything else is C# only APIM can run.
 *   @(((Jwt)context.Variables["jwt"]).Subject)                         → claim sub of the validated token
 *   @(((Jwt)context.Variables["jwt"]).Claims.GetValueOrDefault("oid")) → claim oid of the validated token
 *   @(context.Request.Headers.GetValueOrDefault("Authorization","").AsJwt()?.Subject) → parsed, NOT validated
 *   @(context.Request.IpAddress)                                       → caller address
 *   @(context.Request.Headers.GetValueOrDefault("X-Client",""))        → a client-chosen header
 *   @(context.Request.Headers["Authorization"].Split(' ')[1])          → derived from a client-chosen header
 * (`.AsJwt()` may follow a transformation of the header, as in `.Split(' ').Last().AsJwt()`.)
 */
export type KeySource =
  | { kind: 'validated-claim'; variable: string; claim: string }
  | { kind: 'parsed-claim'; header: string; claim: string }
  | { kind: 'ip' }
  | { kind: 'header'; header: string }
  | { kind: 'literal'; value: string }
  | { kind: 'expression' };

const JWT_MEMBER: Record<string, string> = { Subject: 'sub', Issuer: 'iss', Id: 'jti' };

export function parseKeyExpression(raw: string): KeySource {
  const s = raw.trim();
  if (!/^@[({]/.test(s)) return { kind: 'literal', value: s };
  const body = s.replace(/^@\(\s*/, '').replace(/\s*\)$/, '').replace(/\s+/g, '');
  const claimOf = (tail: string): string | undefined => {
    const member = /^\??\.(\w+)$/.exec(tail);
    if (member && JWT_MEMBER[member[1]]) return JWT_MEMBER[member[1]];
    const get = /^\??\.Claims\.GetValueOrDefault\("([^"]+)"(?:,"[^"]*")?\)$/.exec(tail) ?? /^\??\.Claims\["([^"]+)"\](?:\.FirstOrDefault\(\))?$/.exec(tail);
    return get?.[1];
  };
  let m = /^\(\(Jwt\)context\.Variables\["([^"]+)"\]\)(.*)$/.exec(body) ?? /^context\.Variables\.GetValueOrDefault<Jwt>\("([^"]+)"\)(.*)$/.exec(body);
  if (m) {
    const claim = claimOf(m[2]);
    return claim ? { kind: 'validated-claim', variable: m[1], claim } : { kind: 'expression' };
  }
  // `request.Headers` (no `context.`) is how one of Microsoft's throttling examples writes it.
  const header = String.raw`(?:context\.Request|request)\.Headers(?:\.GetValueOrDefault\("([^"]+)"(?:,"[^"]*")?\)|\["([^"]+)"\])`;
  m = new RegExp(`^${header}(.*?)\\.AsJwt\\(\\)(.*)$`).exec(body);
  if (m) {
    const claim = claimOf(m[4]);
    return claim ? { kind: 'parsed-claim', header: m[1] ?? m[2], claim } : { kind: 'expression' };
  }
  if (/^context\.Request\.IpAddress$/.test(body)) return { kind: 'ip' };
  // A header's value, as is or transformed (split, trimmed, hashed): the client chooses it.
  m = new RegExp(`^${header}`).exec(body);
  if (m) return { kind: 'header', header: m[1] ?? m[2] };
  return { kind: 'expression' };
}
