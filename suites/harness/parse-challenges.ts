export interface Challenge {
  /** Lower-cased auth scheme (`bearer`, `basic`, …). */
  scheme: string;
  /** Lower-cased parameter names; quoted values unquoted. */
  params: Record<string, string>;
}

/**
 * `WWW-Authenticate` values (RFC 9110 §11.6.1) as challenges. Several header lines and several
 * challenges in one line are both allowed; commas inside quoted strings do not split. Lenient on
 * purpose: a malformed challenge is graded by the caller, it must not throw here.
 */
export function parseChallenges(values: string | string[] | undefined): Challenge[] {
  const out: Challenge[] = [];
  for (const value of values === undefined ? [] : Array.isArray(values) ? values : [values]) {
    for (const item of splitOutsideQuotes(value)) {
      const text = item.trim();
      if (!text) continue;
      const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s+(.*))?$/s.exec(text);
      const isParam = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=/.test(text);
      if (m && !isParam) {
        const challenge: Challenge = { scheme: m[1].toLowerCase(), params: {} };
        out.push(challenge);
        if (m[2]) addParam(challenge, m[2]);
      } else if (out.length) {
        addParam(out[out.length - 1], text);
      }
    }
  }
  return out;
}

function addParam(challenge: Challenge, text: string): void {
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(.*)$/s.exec(text.trim());
  if (!m) return; // token68 or garbage: no named parameter to grade
  let value = m[2].trim();
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
  challenge.params[m[1].toLowerCase()] = value;
}

function splitOutsideQuotes(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted && c === '\\' && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}
