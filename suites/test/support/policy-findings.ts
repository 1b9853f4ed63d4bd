import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { loadPolicyValues } from '../../../gateway-under-test/index.ts';
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
  /** The one-line error a policy gatecheck refuses to emulate gets: its line and message, without the path. */
  refused?: string;
}

/**
 * Every policy fixture under apim/ and apigee/ and the published ones under public/, as `dir/file.xml`,
 * the APIOps-extracted folders under apiops/, as `apiops/name`, and the exported Apigee proxy bundles
 * under apigee-bundles/, as `apigee-bundles/name`.
 */
export async function policyFixtures(): Promise<string[]> {
  const out: string[] = [];
  for (const dir of ['apim', 'apigee', 'public/apim', 'public/apigee']) for (const f of (await readdir(join(POLICY_FIXTURES, dir))).filter((n) => n.endsWith('.xml')).sort()) out.push(`${dir}/${f}`);
  for (const dir of ['apiops', 'apigee-bundles']) {
    for (const e of (await readdir(join(POLICY_FIXTURES, dir), { withFileTypes: true })).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) out.push(`${dir}/${e.name}`);
  }
  return out;
}

/** A fixture's values file (`name.values.yaml` beside `name.xml`, or beside the folder `name`), when it has one. */
export function policyValuesFile(fixture: string): string | undefined {
  const file = join(POLICY_FIXTURES, fixture.endsWith('.xml') ? fixture.replace(/\.xml$/, '.values.yaml') : `${fixture}.values.yaml`);
  return existsSync(file) ? file : undefined;
}

/** Runs the whole suite against one policy, emulated, and says what it found. */
export async function policyFindings(fixture: string, cases?: LoadedCase[]): Promise<PolicyFindings> {
  const kind = fixture.includes('apigee/') || fixture.startsWith('apigee-bundles/') ? 'apigee' : 'apim';
  const folder = fixture.startsWith('apiops/') || fixture.startsWith('apigee-bundles/');
  const valuesFile = policyValuesFile(fixture);
  let target;
  try {
    const values = valuesFile ? await loadPolicyValues(valuesFile) : undefined;
    target = await startPolicyTarget({ file: join(POLICY_FIXTURES, fixture), kind, values });
  } catch (e) {
    // Stable across runs: the line and the message, without the absolute path or the mock's port.
    // A folder's refusal names the file inside it: kept, relative to the folder.
    const inFolder = folder ? (e as Error).message.split(`${join(POLICY_FIXTURES, fixture)}/`).join('') : (e as Error).message;
    return { refused: inFolder.replace(/^.*?\.xml:(\d+): /, folder ? '$&' : 'line $1: ').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT') };
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
