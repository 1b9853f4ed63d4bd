import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { startEchoUpstream, type EchoUpstream } from '../../../suites/harness/echo-upstream.ts';
import { startTestIssuer, type TestIssuer, type TokenSpec } from '../../../suites/harness/test-issuer.ts';
import type { GatewayOptions } from '../../process/gateway-options.ts';
import type { PeerForTests } from '../../process/peer-for-tests.ts';
import type { RunningGateway } from '../../process/start-gateway-process.ts';

const PASS = '/pass';

/** The tail of every log the gateway wrote: a failing peer test in CI must explain itself. */
function logTail(dir: string): string {
  try {
    return readdirSync(dir)
      .map((file) => `--- ${file}\n${readFileSync(join(dir, file), 'utf8').split('\n').slice(-30).join('\n')}`)
      .join('\n');
  } catch {
    return `(no logs in ${dir})`;
  }
}
const now = () => Math.floor(Date.now() / 1000);

/** Refusals every peer gateway must get right, whatever its status codes. */
const REFUSED: Array<[title: string, spec: TokenSpec]> = [
  ['a token for another audience', { claims: { aud: 'api://someone-else' } }],
  ['an expired token (RFC 7519 §4.1.4)', { claims: { exp: now() - 600, iat: now() - 4200, nbf: now() - 4200 } }],
  ['a token signed by another key under the trusted kid', { signWith: 'attacker' }],
  ['an unsigned alg none token (RFC 8725 §3.1)', { signWith: 'none' }],
  ['a token from another issuer', { claims: { iss: 'https://login.microsoftonline.com/evil/v2.0' } }],
  ['a token without the required role', { claims: { roles: ['Orders.Other'] } }],
];

/**
 * The shared behaviour test of a real-gateway launcher: start it against a fresh issuer and echo
 * upstream, send valid and broken tokens, check what reached the upstream, stop it cleanly.
 */
export function describePeerGateway(
  name: string,
  peer: PeerForTests,
  start: (common: GatewayOptions, issuer: TestIssuer) => Promise<RunningGateway>,
): void {
  describe(name, () => {
    let issuer: TestIssuer | undefined;
    let upstream: EchoUpstream | undefined;
    let gateway: RunningGateway | undefined;

    beforeAll(async () => {
      if (peer.skipReason) return;
      issuer = await startTestIssuer();
      upstream = await startEchoUpstream();
      gateway = await start(
        { upstream: upstream.url, issuer: issuer.issuer, audience: issuer.audience, requiredRole: issuer.role, passThroughPath: PASS },
        issuer,
      );
    });

    afterAll(async () => {
      await gateway?.stop();
      await upstream?.close();
      await issuer?.close();
    });

    function ready(ctx: TestContext): { issuer: TestIssuer; upstream: EchoUpstream; gateway: RunningGateway } {
      ctx.skip(peer.skipReason !== undefined, peer.skipReason);
      if (!issuer || !upstream || !gateway) throw new Error(`${name} did not start (see beforeAll)`);
      const logs = gateway.logs;
      ctx.onTestFailed(() => console.error(`${name} logs:\n${logTail(logs)}`));
      upstream.clear();
      return { issuer, upstream, gateway };
    }

    async function send(gateway: RunningGateway, token?: string, path = '/api/orders?id=7'): Promise<Response> {
      const response = await fetch(gateway.url + path, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      return response;
    }

    test('forwards a valid token carrying the required role to the upstream', async (ctx) => {
      const { issuer, upstream, gateway } = ready(ctx);
      const response = await send(gateway, await issuer.token());
      expect(response.status).toBe(200);
      expect(upstream.received()).toHaveLength(1);
      expect(upstream.received()[0]).toMatchObject({ method: 'GET', path: '/api/orders?id=7' });
    });

    test('accepts an array aud that contains the audience (RFC 7519 §4.1.3)', async (ctx) => {
      const { issuer, upstream, gateway } = ready(ctx);
      const response = await send(gateway, await issuer.token({ claims: { aud: ['api://other', issuer.audience] } }));
      expect(response.status).toBe(200);
      expect(upstream.received()).toHaveLength(1);
    });

    test('refuses a request without credentials with 401 (RFC 6750 §3)', async (ctx) => {
      const { upstream, gateway } = ready(ctx);
      const response = await send(gateway);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      expect(upstream.received()).toHaveLength(0);
    });

    for (const [title, spec] of REFUSED) {
      test(`refuses ${title} and the upstream sees nothing`, async (ctx) => {
        const { issuer, upstream, gateway } = ready(ctx);
        const response = await send(gateway, await issuer.token(spec));
        expect([401, 403]).toContain(response.status);
        expect(upstream.received()).toHaveLength(0);
      });
    }

    test('passes requests under the pass-through path without a token', async (ctx) => {
      const { upstream, gateway } = ready(ctx);
      const response = await send(gateway, undefined, `${PASS}/ping`);
      expect(response.status).toBe(200);
      expect(upstream.received().map((r) => r.path)).toEqual([`${PASS}/ping`]);
    });

    test('stops: the process group is gone and the port is free', async (ctx) => {
      const { gateway } = ready(ctx);
      await gateway.stop();
      expect(() => process.kill(-gateway.pid, 0)).toThrow();
      await expect(fetch(gateway.url, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    });
  });
}
