import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceGateway, type ReferenceGateway } from '../../gateway-under-test/index.ts';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { startEchoUpstream, type EchoUpstream } from '../../suites/harness/echo-upstream.ts';
import { loadScenario, mockIdpPoolSource, preparePlan, readLoadPlan, referenceLoadConfig, runScenario, type Scenario } from '../index.ts';

/**
 * The shipped rotation and jwks-outage scenarios, shrunk to 3 s at 100 req/s with small pools, against
 * the reference gateway refreshing its JWKS every half second, so refreshes land after the rotation and
 * inside the outage window. Each test also checks the event really happened and the gateway really
 * went to the IdP meanwhile: otherwise "0 refused" would prove nothing.
 */

let idp: MockIdp;
let upstream: EchoUpstream;
let gateway: ReferenceGateway;
let dir: string;

beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
  upstream = await startEchoUpstream({ record: false });
  gateway = await startReferenceGateway(await referenceLoadConfig(idp.url, upstream.url, { jwksRefreshSeconds: 0.5 }));
  dir = mkdtempSync(join(tmpdir(), 'gatecheck-load-test-'));
});
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  await idp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function small(name: string): Scenario {
  const s = loadScenario(name);
  return { ...s, durationSeconds: 3, load: { model: 'open', rate: 100, connections: 8, maxInFlight: 1000 }, tokens: s.tokens.map((t) => ({ ...t, count: Math.min(t.count, 50) })) };
}

async function run(scenario: Scenario) {
  // Through the plan files, as the CLI and k6 do: the engine runs what readLoadPlan gives back.
  const { planFile } = await preparePlan({ scenario, targetUrl: gateway.url, control: { idpUrl: idp.url }, source: mockIdpPoolSource(idp), dir: join(dir, scenario.name) });
  const { plan, pools } = readLoadPlan(planFile);
  return runScenario({ url: plan.targetUrl, scenario: plan.scenario, pools, control: plan.control });
}

describe('reference gateway under load', () => {
  it('refuses 0 valid tokens while the tenant rotates its signing keys mid-run (catalogue H05)', async () => {
    const before = idp.keys('contoso').primary().kid;
    const result = await run(small('rotation'));
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({ action: 'rotate-keys', ok: true });
    expect(idp.keys('contoso').primary().kid).not.toBe(before);
    const rotatedAt = Date.parse(result.startedAt) + result.events[0].atSeconds * 1000;
    expect(idp.control.requests.list({ tenant: 'contoso', endpoint: 'jwks' }).filter((r) => r.at > rotatedAt).length).toBeGreaterThan(0);

    expect(result.requests.completed).toBe(300);
    expect(result.pools.map((p) => p.name)).toEqual(['valid', 'signed-by-next-key']);
    expect(result.pools.every((p) => p.sent > 0 && p.refused === 0 && p.other === 0)).toBe(true);
    expect(result.outcomes['valid-refused']).toBe(0);
    expect(result.errors).toBe(0);
    expect(result.passed).toBe(true);
  });

  it('keeps accepting tokens signed by known keys through a JWKS outage window (catalogue H02)', async () => {
    const result = await run(small('jwks-outage'));
    expect(result.events[0]).toMatchObject({ action: 'jwks-fault', ok: true });
    const from = Date.parse(result.startedAt) + result.events[0].atSeconds * 1000;
    const to = from + 0.34 * 3000;
    // The gateway tried to refresh while the endpoint was down, and its answers did not change.
    expect(idp.control.requests.list({ tenant: 'contoso', endpoint: 'jwks' }).filter((r) => r.at >= from && r.at <= to).length).toBeGreaterThan(0);
    expect(result.requests.completed).toBe(300);
    expect(result.statuses).toEqual({ '200': 300 });
    expect(result.outcomes['valid-refused'] + result.outcomes['server-error']).toBe(0);
    expect(result.passed).toBe(true);
  });
});
