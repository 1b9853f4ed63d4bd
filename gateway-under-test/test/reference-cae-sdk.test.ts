import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTls, createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { demoConfig, startReferenceGateway, type ReferenceGateway } from '../index.ts';
import { startEchoUpstream, type EchoUpstream } from './reference-support/echo-upstream.ts';

/**
 * The whole continuous-access-evaluation loop with Microsoft's own client code: @azure/identity signs
 * alice in as a CAE-capable client (`enableCae`, which Azure's bearer policy always asks for), the
 * reference gateway accepts her token, her sessions are revoked, the gateway answers the same token with
 * a claims challenge, and @azure/core-rest-pipeline's bearerTokenAuthenticationPolicy answers it: its
 * silent refresh is refused (AADSTS50173), it signs her in again with the challenge's claims, and the
 * retried request passes. The gateway is behind a TLS front because the policy sends tokens over https only.
 */
const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ALICE = { upn: 'alice@contoso.example', password: 'alice-demo-password' };
const CLI = '8c1d3e5f-7a9b-4c2d-9e4f-6a8b0c2d4e6f';

let idp: MockIdp;
let upstream: EchoUpstream;
let gateway: ReferenceGateway;
let front: Server;
let frontUrl: string;
let caDir: string;

beforeAll(async () => {
  idp = await createMockIdp({ port: 0, tls: true, revocationListMaxAgeSeconds: 1 });
  upstream = await startEchoUpstream();
  const contoso = idp.tenant('contoso');
  const base = await demoConfig({ idpUrl: idp.url, upstreamUrl: upstream.url, port: 0, issuer: contoso.issuer });
  gateway = await startReferenceGateway({
    ...base,
    admin: false,
    exposeReason: true,
    log: { level: 'silent', accessLog: false },
    jwks: { caFile: idp.caPath },
    cae: { revocationLists: [idp.runtime('contoso').urls.revocations], refreshSeconds: 0.25 },
  });
  // A TLS front that hands each request to the gateway as it came.
  const tls = await createLocalTls();
  front = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'connection'));
    request(`${gateway.url}${req.url}`, { method: req.method as 'GET', headers: headers as Record<string, string> })
      .then(async (r) => {
        res.writeHead(r.statusCode, r.headers as Record<string, string>);
        res.end(Buffer.from(await r.body.arrayBuffer()));
      })
      .catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', () => resolve()));
  frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
  caDir = mkdtempSync(join(tmpdir(), 'gatecheck-cae-ca-'));
  writeFileSync(join(caDir, 'ca.pem'), [idp.caPem!, tls.caPem].map((pem) => pem.trim()).join('\n') + '\n');
});
afterAll(async () => {
  front?.closeAllConnections();
  await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
  await gateway?.stop();
  await upstream.close();
  await idp.close();
  rmSync(caDir, { recursive: true, force: true });
});

interface Outcome {
  before: number;
  after: number;
  notBefore: number;
  attempts: { authorization?: string; status: number; challenge?: string }[];
}

describe('a CAE-capable Azure SDK client through the reference gateway', () => {
  it('answers the gateway\'s claims challenge after a revocation and gets through with a token issued after it', async () => {
    const call = {
      authorityHost: idp.url,
      tenantId: idp.tenant('contoso').id,
      clientId: CLI,
      username: ALICE.upn,
      password: ALICE.password,
      scope: 'api://orders-api/Orders.Read',
      api: `${frontUrl}/api/orders`,
      revoke: `${idp.url}/_admin/tenants/contoso/users/${ALICE.upn}/revoke`,
      // The list's max-age (1 s) plus the gateway's poll interval, with room for a busy machine.
      propagationMs: 2000,
    };
    const { stdout } = await exec(process.execPath, ['gateway-under-test/test/fixtures/cae-client-run.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(caDir, 'ca.pem'), CAE_CALL: JSON.stringify(call) },
      timeout: 30_000,
    });
    const out = JSON.parse(stdout) as Outcome;
    expect(out.before).toBe(200);
    expect(out.after).toBe(200);
    // Three attempts: the first call, the same token refused after the revocation, the new token.
    expect(out.attempts.map((a) => a.status)).toEqual([200, 401, 200]);
    const [first, refused, retried] = out.attempts;
    expect(refused.authorization).toBe(first.authorization);
    expect(refused.challenge).toMatch(/error="insufficient_claims", claims="[A-Za-z0-9+/=]+"$/);
    const oldToken = decodeJwt(first.authorization!.replace(/^Bearer /, ''));
    const newToken = decodeJwt(retried.authorization!.replace(/^Bearer /, ''));
    expect(oldToken.xms_cc).toEqual(['cp1']);
    expect(newToken.xms_cc).toEqual(['cp1']);
    expect(oldToken.iat).toBeLessThan(out.notBefore);
    expect(newToken.iat).toBeGreaterThanOrEqual(out.notBefore);
  }, 40_000);
});
