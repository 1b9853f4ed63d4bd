import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCases, type LoadedCase } from '../harness/load-cases.ts';
import { policyFindings, policyFixtures, POLICY_RESULTS_FILE, type PolicyFindings } from './support/policy-findings.ts';

/**
 * Every policy in fixtures/policies (Microsoft's and Apigee's documented examples with the mock's ids,
 * and the good and bad samples) has a recorded result: what the whole suite finds in it, emulated.
 * Good and documented policies must show no blocking failure; a bad one shows the findings its name
 * promises, or says why it cannot be emulated. Re-record with `node scripts/policy-results.ts --record`
 * and read the diff: each entry is a claim about a policy.
 */
const expected = JSON.parse(await readFile(POLICY_RESULTS_FILE, 'utf8')) as Record<string, PolicyFindings>;
const fixtures = await policyFixtures();
const results = new Map<string, PolicyFindings>();

beforeAll(async () => {
  const cases: LoadedCase[] = await loadCases({});
  // Most of a run is waiting (cooldowns, expiry); four policies at a time keep the file well under a minute.
  let next = 0;
  const worker = async () => {
    while (next < fixtures.length) {
      const f = fixtures[next++];
      results.set(f, await policyFindings(f, cases));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
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

  it('good-* and Microsoft\'s documented (ms-*) policies that can be emulated have no blocking failure', () => {
    const good = fixtures.filter((f) => /\/(good|ms|minimal)-/.test(f) && !expected[f]?.refused);
    expect(good.length).toBeGreaterThanOrEqual(5);
    expect(Object.fromEntries(good.map((f) => [f, results.get(f)?.failures]))).toEqual(Object.fromEntries(good.map((f) => [f, []])));
  });
});
