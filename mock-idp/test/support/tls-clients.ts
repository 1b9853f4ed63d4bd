import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { MockIdp } from '../../index.ts';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Runs a TypeScript file in a fresh Node process that trusts the mock's CA through NODE_EXTRA_CA_CERTS,
 * as a user of MSAL or @azure/identity sets it up (Node reads it only at start). Working directory: the
 * repository root. Returns stdout.
 */
export async function runNode(file: string, idp: MockIdp, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await exec(process.execPath, [file], {
    cwd: ROOT,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: idp.caPath!, IDP_URL: idp.url, ...env },
    timeout: 25_000,
  });
  return stdout;
}

/** Verifies a token with jose against the tenant's published keys (fetched over the mock's TLS) and issuer. */
export async function verifyOverTls(idp: MockIdp, token: string, audience: string, tenant = 'contoso'): Promise<JWTPayload> {
  const { Agent, fetch } = await import('undici');
  const t = idp.tenant(tenant);
  const dispatcher = new Agent({ connect: { ca: idp.caPem } });
  try {
    const jwks = (await (await fetch(t.jwksUri, { dispatcher })).json()) as Parameters<typeof createLocalJWKSet>[0];
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: t.issuer, audience, algorithms: ['RS256'] });
    return payload;
  } finally {
    await dispatcher.close();
  }
}
