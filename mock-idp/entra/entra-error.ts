import { randomUUID } from 'node:crypto';

/**
 * The AADSTS codes the mock emits, each as Microsoft Learn's error reference lists it
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
export type EntraErrorCode =
  | 50000 | 70003 | 70008 | 70011 | 90002 | 500011 | 700016 | 700022 | 700027 | 900144 | 1002012
  | 7000215 | 7000218 | 65001 | 50011 | 50049 | 900023 | 90033
  // on-behalf-of: invalid, misaddressed, expired or malformed assertions; app-only assertions
  | 50013 | 500131 | 500133 | 50027 | 7000114
  // username/password: unknown user, wrong password
  | 50034 | 50126
  // device code: pending, expired, unknown, declined, already decided
  | 70016 | 70020 | 70018 | 65004 | 90120
  // request shape: a bad parameter, `resource` on v2, a malformed request, a wrong HTTP method
  | 90100 | 901002 | 9002313 | 900561
  // a refresh token issued before the user's sessions were revoked
  | 50173;

export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  /** Entra's hint for MSAL, e.g. `consent_required` beside AADSTS65001. */
  suberror?: string;
}

/** Why a request failed, in Entra's vocabulary. */
export interface EntraFailure {
  code: EntraErrorCode;
  error: string;
  description: string;
  suberror?: string;
}

/** Entra's error shape: the AADSTS code leads the description, which also carries trace, correlation and time. */
export function entraErrorBody(code: EntraErrorCode, error: string, description: string, suberror?: string): EntraErrorBody {
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
    ...(suberror ? { suberror } : {}),
  };
}

export function failureBody(failure: EntraFailure): EntraErrorBody {
  return entraErrorBody(failure.code, failure.error, failure.description, failure.suberror);
}

/** Entra answers a failed client authentication with 401 and every other token error with 400. */
export function failureStatus(failure: EntraFailure): number {
  return failure.error === 'invalid_client' ? 401 : 400;
}
