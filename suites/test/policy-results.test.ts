import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintApimFolder, lintPolicy, loadPolicyValues } from '../../gateway-under-test/index.ts';
import { loadCases, type LoadedCase } from '../harness/load-cases.ts';
import { POLICY_FIXTURES, policyFindings, policyFixtures, policyValuesFile, POLICY_RESULTS_FILE, type PolicyFindings } from './support/policy-findings.ts';

/**
 * Every policy in fixtures/policies (the good and bad samples, APIOps-extracted folders under apiops/,
 * and under public/ policies published by Microsoft, Google and Apigee, kept verbatim with a values file
 * for their placeholders) has a recorded
 * result: what the whole suite finds in it, emulated. Good and published policies that run show no
 * blocking failure unless they are wrong, and then a lint finding names the cause; a bad one shows the
 * findings its name promises; a policy that cannot be emulated says why, with its line. Re-record with
 * `node scripts/policy-results.ts --record` and read the diff: each entry is a claim about a policy.
 */
/** Published policies that are wrong as their placeholders' hints fill them, and the lint rule that names why. */
const WRONG_AS_PUBLISHED: Record<string, string> = {
  'public/apim/learn-protect-backend-app-id-uri.xml': 'apim-audience-required-claim-conflict',
};

const expected = JSON.parse(await readFile(POLICY_RESULTS_FILE, 'utf8')) as Record<string, PolicyFindings>;
const fixtures = await policyFixtures();
const results = new Map<string, PolicyFindings>();

beforeAll(async () => {
  const cases: LoadedCase[] = await loadCases({});
  // Most of a run is waiting (cooldowns, expiry) and refused policies take no time: six at a time keep
  // the file near a minute on two cores.
  let next = 0;
  const worker = async () => {
    while (next < fixtures.length) {
      const f = fixtures[next++];
      results.set(f, await policyFindings(f, cases));
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}, 300_000);

describe('each policy fixture, emulated, gives its recorded result', () => {
  it('every fixture has a recorded result, and every recorded result a fixture', () => {
    expect(Object.keys(expected).filter((k) => k !== '$comment').sort()).toEqual([...fixtures].sort());
  });

  for (const fixture of fixtures) {
    it(`${fixture}`, () => {
      expect(results.get(fixture)).toEqual(expected[fixture]);
    });
  }

  it('good-*, ms-* and published policies that can be emulated have no blocking failure, unless wrong as published', () => {
    const good = fixtures.filter((f) => (/\/(good|ms|minimal)-/.test(f) || f.startsWith('public/')) && !expected[f]?.refused && !WRONG_AS_PUBLISHED[f]);
    expect(good.length).toBeGreaterThanOrEqual(10);
    expect(Object.fromEntries(good.map((f) => [f, results.get(f)?.failures]))).toEqual(Object.fromEntries(good.map((f) => [f, []])));
  });

  it('a published policy wrong as filled in fails its baseline, and lint names the cause', async () => {
    for (const [fixture, rule] of Object.entries(WRONG_AS_PUBLISHED)) {
      expect(results.get(fixture)?.failures).toContain('baseline/get-root');
      const file = join(POLICY_FIXTURES, fixture);
      const values = await loadPolicyValues(policyValuesFile(fixture)!);
      expect(lintPolicy(await readFile(file, 'utf8'), file, { values }).map((d) => d.rule)).toContain(rule);
    }
  });

  it('an APIOps folder whose operation drops <base/> fails on that route, and lint names the operation file and line', async () => {
    const fixture = 'apiops/bad-operation-drops-base';
    // Served as APIM serves it: every forged token reaches the backend through GET /orders-api/orders.
    expect(results.get(fixture)?.failures).toEqual(expect.arrayContaining(['algorithm/alg-none-unsigned', 'claims/audience-of-another-api', 'claims/exp-one-hour-ago']));
    expect(results.get('apiops/good-orders')?.failures).toEqual([]);
    const dir = join(POLICY_FIXTURES, fixture);
    const findings = await lintApimFolder(dir, { values: await loadPolicyValues(policyValuesFile(fixture)!) });
    expect(findings.map((d) => [d.rule, d.file, d.line])).toEqual([['apim-operation-drops-base', join(dir, 'apis/orders-api/operations/get-orders/policy.xml'), 3]]);
  });

  it('at least 15 published policies, each run or refused with the line of what cannot be emulated', () => {
    const published = fixtures.filter((f) => f.startsWith('public/'));
    expect(published.length).toBeGreaterThanOrEqual(15);
    for (const f of published) if (expected[f]?.refused) expect(expected[f].refused, f).toMatch(/^line [1-9]\d*: \S/);
  });
});
