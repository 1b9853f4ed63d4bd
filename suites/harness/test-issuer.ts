import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, type JWTPayload } from 'jose';
import { createLocalTls } from '../../mock-idp/index.ts';

export interface TestIssuerOptions {
  issuer?: string;
  audience?: string;
  role?: string;
}

export interface TokenSpec {
  /** Merged over the valid defaults; `undefined` values remove a claim. */
  claims?: Record<string, unknown>;
  /** `attacker`: a different RSA key under the trusted kid. `none`: unsigned, alg none. */
  signWith?: 'primary' | 'attacker' | 'none';
}

export interface TestIssuer {
  issuer: string;
  audience: string;
  role: string;
  /** https://127.0.0.1:PORT/discovery/v2.0/keys */
  jwksUri: string;
  /** PEM CA that signed the JWKS server's certificate. */
  caFile: string;
  /** SPKI PEM of the signing key, for gateways without JWKS (HAProxy). */
  publicKeyFile: string;
  kid: string;
  /** The public JWK as served in the JWKS, for gateways configured with static keys. */
  publicJwk: Record<string, unknown>;
  /** How often the JWKS was fetched: gateways cache it, tests can check they do. */
  jwksFetches(): number;
  token(spec?: TokenSpec): Promise<string>;
  /**
   * What a token pool minter needs to sign many valid tokens at once (load/runner/mint-pool.ts): the
   * header and claims `token()` would use now, valid for an hour, and the signing key.
   */
  signingTemplate(): { header: Record<string, unknown>; claims: Record<string, unknown>; privateKey: KeyObject };
  close(): Promise<void>;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function rsaKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/**
 * A minimal Entra-shaped token issuer for gateway tests and benchmarks: one RS256 key, its JWKS
 * over HTTPS on 127.0.0.1 with a throwaway CA, and a token factory for valid and broken tokens.
 * The full mock IdP (mock-idp/) can replace it; this one has no dependencies on it.
 */
export async function startTestIssuer({
  issuer = 'https://login.microsoftonline.com/00000000-0000-4000-8000-00000000c0de/v2.0',
  audience = 'api://gatecheck-orders',
  role = 'Orders.Read',
}: TestIssuerOptions = {}): Promise<TestIssuer> {
  const primary = rsaKey();
  const attacker = rsaKey();
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(primary.publicKey)), kid, use: 'sig', alg: 'RS256' };
  const tls = await createLocalTls();
  const dir = mkdtempSync(join(tmpdir(), 'gatecheck-issuer-'));
  const caFile = join(dir, 'ca.pem');
  const publicKeyFile = join(dir, 'public.pem');
  writeFileSync(caFile, tls.caPem);
  writeFileSync(publicKeyFile, primary.publicKey.export({ type: 'spki', format: 'pem' }));

  let fetches = 0;
  let jwksUri = '';
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    let body: unknown;
    if (path === '/discovery/v2.0/keys') {
      fetches++;
      body = { keys: [jwk] };
    } else if (path === '/v2.0/.well-known/openid-configuration') {
      body = { issuer, jwks_uri: jwksUri, id_token_signing_alg_values_supported: ['RS256'] };
    }
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not_found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  jwksUri = `${origin}/discovery/v2.0/keys`;

  const validClaims = (): Record<string, unknown> => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: issuer,
      aud: audience,
      sub: 'gatecheck-test-user',
      oid: '11111111-2222-4333-8444-555555555555',
      tid: '00000000-0000-4000-8000-00000000c0de',
      azp: 'gatecheck-test-client',
      roles: [role],
      iat: now,
      nbf: now,
      exp: now + 3600,
      ver: '2.0',
    };
  };

  return {
    issuer,
    audience,
    role,
    jwksUri,
    caFile,
    publicKeyFile,
    kid,
    publicJwk: jwk,
    jwksFetches: () => fetches,
    async token({ claims = {}, signWith = 'primary' }: TokenSpec = {}) {
      const payload: Record<string, unknown> = { ...validClaims(), ...claims };
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
      if (signWith === 'none') return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
      const key = signWith === 'attacker' ? attacker.privateKey : primary.privateKey;
      return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(key);
    },
    signingTemplate: () => ({ header: { alg: 'RS256', typ: 'JWT', kid }, claims: validClaims(), privateKey: primary.privateKey }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
