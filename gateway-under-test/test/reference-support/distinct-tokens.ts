import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * Fast distinct valid tokens for resource tests and scripts (docs/reliability.md §3). ES256 through node:crypto with a
 * KeyObject: ~40 µs to sign here against ~400 µs for RS256, and the verified-token cache stores the
 * token string and its claims, not the signature, so the algorithm does not change what is measured.
 * The payload mimics an Entra v2 app-only access token and `aio` is padded so each token is
 * `tokenBytes` long (default 1,400, a typical Entra RS256 access token), keeping bytes realistic.
 */
export interface DistinctTokens {
  jwk: Record<string, unknown>;
  kid: string;
  /** Token number `i` (distinct for every i, valid until `expSeconds`). */
  token(i: number): string;
}

export function distinctTokens(opts: { issuer: string; audience: string; tenantId?: string; nowSeconds: number; tokenBytes?: number; kid?: string; privateKey?: KeyObject; jwk?: Record<string, unknown> }): DistinctTokens {
  const kid = opts.kid ?? 'es-load-1';
  let privateKey = opts.privateKey;
  let jwk = opts.jwk;
  if (!privateKey) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    privateKey = pair.privateKey;
    jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'ES256' };
  }
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'ES256', kid })).toString('base64url');
  const now = opts.nowSeconds;
  const tid = opts.tenantId ?? '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const run = randomBytes(6).toString('hex');
  const claims = (i: number, aio: string) => ({
    aud: opts.audience,
    iss: opts.issuer,
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3600,
    aio,
    azp: '2b6f1a4e-0c6f-4f37-9a8e-5d1c3a6e7b90',
    azpacr: '1',
    oid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    rh: '1.AXEAv4j5cvGGr0GRqy180BHbR-lvcC3Hs5xJqqRlWh8mY4ZxAAA.',
    roles: ['Orders.Read', 'Orders.Write'],
    sub: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    tid,
    uti: `${run}-${i}`,
    ver: '2.0',
  });
  // Size the padding once so every token comes out at tokenBytes (±2 for the number's width).
  const target = opts.tokenBytes ?? 1400;
  const bare = `${header}.${Buffer.from(JSON.stringify(claims(0, ''))).toString('base64url')}.${'x'.repeat(86)}`;
  const aio = 'E'.repeat(Math.max(0, Math.floor(((target - bare.length) * 3) / 4)));
  return {
    jwk: jwk!,
    kid,
    token(i: number): string {
      const input = `${header}.${Buffer.from(JSON.stringify(claims(i, aio))).toString('base64url')}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey!, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    },
  };
}
