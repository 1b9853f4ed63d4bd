import { LoadInputError } from './load-input-error.ts';

/**
 * Which k6 runs the scenario script, in one sentence the README, the CLI's errors and the real-k6
 * test all print. Sources: k6 v0.52.0 added TypeScript behind `experimental_enhanced`, and k6 v0.57
 * made it the default and removed that mode (grafana.com/docs/k6, "JavaScript and TypeScript compatibility mode").
 */
export const K6_VERSION_NOTE =
  'load/k6/gatecheck-scenario.ts is TypeScript: k6 v0.57 or later runs it as it is, v0.52 to v0.56 only with --compatibility-mode=experimental_enhanced, older k6 not at all';

/**
 * The extra `k6 run` arguments the installed k6 needs for the TypeScript script, from the text
 * `k6 version` printed ("k6 v0.55.2 (go1.23.4, linux/amd64)", "k6 v1.0.0 (commit/…)").
 * Unparseable text adds nothing and lets k6 speak for itself; a k6 too old to run it is refused.
 */
export function k6RunArguments(versionText: string): string[] {
  const m = /\bv?(\d+)\.(\d+)\.(\d+)/.exec(versionText);
  if (!m) return [];
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major > 0 || minor >= 57) return [];
  if (minor >= 52) return ['--compatibility-mode=experimental_enhanced'];
  throw new LoadInputError('ERR_K6_VERSION', `the installed k6 is v${m[1]}.${m[2]}.${m[3]}; ${K6_VERSION_NOTE}`);
}
