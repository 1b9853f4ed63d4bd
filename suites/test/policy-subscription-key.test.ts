import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyValues } from '../../gateway-under-test/index.ts';
import { loadCases } from '../harness/load-cases.ts';
import type { RunTarget } from '../harness/run-target.ts';
import { runSuite } from '../harness/run-suite.ts';
import { startPolicyTarget } from '../harness/start-policy-target.ts';

/**
 * An APIOps folder whose API requires a subscription key: the harness sends the key from the values file
 * as a subscribed client does, so the cases judge the token handling behind it instead of failing on the
 * key check's 401. apiops/bad-quota-header-key is good-subscription whose only emulated difference is
 * that no rate limit is emulated, so the raw-request cases (which skip rate-limited routes) run too.
 */

const DIR = join(import.meta.dirname, '../../fixtures/policies/apiops/bad-quota-header-key');
const KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
let target: RunTarget;

beforeAll(async () => {
  target = await startPolicyTarget({ file: DIR, kind: 'apim', values: await loadPolicyValues(`${DIR}.values.yaml`) });
});
afterAll(async () => {
  await target.stop();
});

describe('a subscriptionRequired APIOps folder run by the suite', () => {
  it('the target carries the key the values file gives, and its routes are walked like any other', () => {
    expect(target.subscriptionKey).toEqual({ header: 'Ocp-Apim-Subscription-Key', key: KEY });
    expect(target.profile.routes.map((r) => [r.methods, r.path, r.product])).toEqual([
      [['GET'], '/orders-api/orders', undefined],
      [['POST'], '/orders-api/orders', undefined],
    ]);
  });

  it('genuine tokens are accepted and a forged one refused, each request sending the key (a raw request on its first message)', async () => {
    const cases = await loadCases({ only: 'entra/v2-app-only-token,algorithm/alg-none-unsigned,http/connection-listed-field-not-forwarded' });
    expect(cases).toHaveLength(3);
    const report = await runSuite({ target, cases });
    const verdicts = Object.fromEntries(report.cases.map((c) => [c.id, c.verdict]));
    expect(verdicts).toEqual({ 'entra/v2-app-only-token': 'pass', 'algorithm/alg-none-unsigned': 'pass', 'http/connection-listed-field-not-forwarded': 'pass' });
    const genuine = report.cases.find((c) => c.id === 'entra/v2-app-only-token')!;
    const sent = genuine.steps!.flatMap((s) => s.observation.request.headers);
    expect(sent).toContainEqual(['Ocp-Apim-Subscription-Key', KEY]);
    const raw = report.cases.find((c) => c.id === 'http/connection-listed-field-not-forwarded')!.steps![0].observation.request.raw!;
    expect(raw.split('\r\n\r\n')[0]).toContain(`\r\nOcp-Apim-Subscription-Key: ${KEY}`);
  });
});
