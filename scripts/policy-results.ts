/**
 * Runs the suite against every policy in fixtures/policies (emulated) and prints what it finds;
 * `--record` rewrites fixtures/policies/expected-results.json, which suites/test/policy-results.test.ts
 * holds every policy to. Read the diff before committing it: each entry is a claim about a policy.
 *
 *   node scripts/policy-results.ts [--record]
 */
import { writeFile } from 'node:fs/promises';
import { loadCases } from '../suites/harness/load-cases.ts';
import { policyFindings, policyFixtures, POLICY_RESULTS_FILE, type PolicyFindings } from '../suites/test/support/policy-findings.ts';

const cases = await loadCases({});
const results: Record<string, PolicyFindings> = {};
for (const fixture of await policyFixtures()) {
  results[fixture] = await policyFindings(fixture, cases);
  const r = results[fixture];
  process.stderr.write(`${fixture}: ${r.refused ? `refused (${r.refused})` : `${r.failures!.length} blocking failure(s), ${r.weaker!.length} weaker`}\n`);
}
if (process.argv.includes('--record')) {
  const doc = {
    $comment: 'What the suite finds in each policy fixture, emulated, with its values file when it has one (written by `node scripts/policy-results.ts --record`; suites/test/policy-results.test.ts holds every policy to it). good-*, ms-* and the published policies under public/ have no blocking failure, except those wrong as published; a refusal gives the line of what cannot be emulated.',
    ...results,
  };
  await writeFile(POLICY_RESULTS_FILE, JSON.stringify(doc, null, 2) + '\n');
  process.stderr.write(`${POLICY_RESULTS_FILE} recorded\n`);
} else {
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}
