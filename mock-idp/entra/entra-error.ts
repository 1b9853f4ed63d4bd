import { randomUUID } from 'node:crypto';

/** The AADSTS codes the mock emits (entra-docs reference-error-codes.md). */
export type EntraErrorCode =
  | 50000 | 70003 | 70008 | 70011 | 90002 | 500011 | 700016 | 700022 | 700027 | 900144 | 1002012
  | 7000215 | 7000218 | 65001 | 50011 | 50049 | 900023 | 90033;

export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/** Entra's error shape: the AADSTS code leads the description, which also carries trace, correlation and time. */
export function entraErrorBody(code: EntraErrorCode, error: string, description: string): EntraErrorBody {
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const trace = randomUUID();
  const correlation = randomUUID();
  return {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: trace,
    correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}
