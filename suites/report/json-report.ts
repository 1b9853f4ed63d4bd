import type { RunReport } from '../harness/run-report.ts';
import { curlCommand } from './curl-command.ts';
import type { Reference } from '../harness/define-case.ts';
import { redactSecrets } from './redact-secrets.ts';
import { referenceUrl } from './reference-url.ts';

/**
 * report.json: the RunReport as it is, so consumers can type it with the same model. The one value
 * JSON cannot carry is a RegExp (Expectation.upstreamHeaders, responseHeaders); JSON.stringify would turn it into `{}`
 * and lose the expectation, so it becomes `{ "regexp": source, "flags": flags }` (see report.schema.json).
 */
export function jsonReport(report: RunReport): string {
  return JSON.stringify(redactSecrets(withExtras(report)), jsonReplacer, 2) + '\n';
}

/**
 * Failing steps carry the request as a `curl` command, so a vendor can reproduce it by hand; every
 * reference carries the `url` of its public page where one is known (as report.html links it).
 */
function withExtras(report: RunReport): RunReport {
  return {
    ...report,
    cases: report.cases.map((c) => ({
      ...c,
      references: c.references.map(withUrl),
      ...(c.weakerReference ? { weakerReference: withUrl(c.weakerReference) } : {}),
      steps: c.steps.map((s) => {
        const expected = s.expected.weaker ? { ...s.expected, weaker: { ...s.expected.weaker, reference: withUrl(s.expected.weaker.reference) } } : s.expected;
        return s.verdict === 'fail' ? { ...s, expected, curl: curlCommand(s.observation.request) } : { ...s, expected };
      }),
    })),
  };
}

function withUrl(reference: Reference): Reference {
  const url = referenceUrl(reference);
  // A case's own URL is kept as written, even one that is not a web link: the JSON reports data, it renders nothing.
  return reference.url !== undefined ? reference : url ? { ...reference, url } : reference;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof RegExp) return { regexp: value.source, flags: value.flags };
  if (typeof value === 'bigint') return value.toString();
  return value;
}
