import type { RunReport } from '../harness/run-report.ts';
import { curlCommand } from './curl-command.ts';
import { redactSecrets } from './redact-secrets.ts';

/**
 * report.json: the RunReport as it is, so consumers can type it with the same model. The one value
 * JSON cannot carry is a RegExp (Expectation.upstreamHeaders, responseHeaders); JSON.stringify would turn it into `{}`
 * and lose the expectation, so it becomes `{ "regexp": source, "flags": flags }` (see report.schema.json).
 */
export function jsonReport(report: RunReport): string {
  return JSON.stringify(redactSecrets(withCurl(report)), jsonReplacer, 2) + '\n';
}

/** Failing steps carry the request as a `curl` command, so a vendor can reproduce it by hand. */
function withCurl(report: RunReport): RunReport {
  return {
    ...report,
    cases: report.cases.map((c) => ({
      ...c,
      steps: c.steps.map((s) => (s.verdict === 'fail' ? { ...s, curl: curlCommand(s.observation.request) } : s)),
    })),
  };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof RegExp) return { regexp: value.source, flags: value.flags };
  if (typeof value === 'bigint') return value.toString();
  return value;
}
