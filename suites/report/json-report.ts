import type { RunReport } from '../harness/run-report.ts';
import { redactSecrets } from './redact-secrets.ts';

/**
 * report.json: the RunReport as it is, so consumers can type it with the same model. The one value
 * JSON cannot carry is a RegExp (Expectation.upstreamHeaders, responseHeaders); JSON.stringify would turn it into `{}`
 * and lose the expectation, so it becomes `{ "regexp": source, "flags": flags }` (see report.schema.json).
 */
export function jsonReport(report: RunReport): string {
  return JSON.stringify(redactSecrets(report), jsonReplacer, 2) + '\n';
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof RegExp) return { regexp: value.source, flags: value.flags };
  if (typeof value === 'bigint') return value.toString();
  return value;
}
