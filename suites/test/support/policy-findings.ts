import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCases, type LoadedCase } from '../../harness/load-cases.ts';
import { runSuite } from '../../harness/run-suite.ts';
import { startPolicyTarget } from '../../harness/start-policy-target.ts';
import { isBlockingFailure } from '../../harness/verdict-rank.ts';

export const POLICY_FIXTURES = join(import.meta.dirname, '../../../fixtures/policies');
export const POLICY_RESULTS_FILE = join(POLICY_FIXTURES, 'expected-results.json');

/** What the suite finds in one policy: blocking failures and weaker-than-RFC acceptances, or why it cannot run. */
export interface PolicyFindings {
  failures?: string[];
  weaker?: string[];
  /** The one-line error a policy gatecheck refuses to emulate gets (a stable part of it). */
  refused?: string;
}

/** Every policy fixture under apim/ and apigee/, as `kind/file.xml`. */
export async function policyFixtures(): Promise<string[]> {
  const out: string[] = [];
  for (const kind of ['apim', 'apigee']) for (const f of (await readdir(join(POLICY_FIXTURES, kind))).filter((n) => n.endsWith('.xml')).sort()) out.push(`${kind}/${f}`);
  return out;
}

/** Runs the whole suite against one policy, emulated, and says what it found. */
export async function policyFindings(fixture: string, cases?: LoadedCase[]): Promise<PolicyFindings> {
  const kind = fixture.startsWith('apigee/') ? 'apigee' : 'apim';
  let target;
  try {
    target = await startPolicyTarget({ file: join(POLICY_FIXTURES, fixture), kind });
  } catch (e) {
    return { refused: (e as Error).message.replace(/^.*?\.xml:\d+: /, '') };
  }
  try {
    const report = await runSuite({ target, cases: cases ?? (await loadCases({})) });
    const errors = report.cases.filter((c) => c.verdict === 'error').map((c) => `${c.id}: ${c.errorMessage}`);
    if (errors.length) throw new Error(`harness errors against ${fixture}: ${errors.join('; ')}`);
    return { failures: report.cases.filter(isBlockingFailure).map((c) => c.id).sort(), weaker: report.cases.filter((c) => c.verdict === 'weaker').map((c) => c.id).sort() };
  } finally {
    await target.stop();
  }
}
