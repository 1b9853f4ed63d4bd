/**
 * What the policy reader, the emulation and the linter say about a policy, each with its line.
 * `check` names what an unemulated construct affects, in the suite's vocabulary, so `gatecheck run`
 * can report those cases as "not emulated" instead of passing or failing them.
 */
export type PolicyCheck =
  | 'token-location'
  | 'signature'
  | 'algorithm'
  | 'issuer'
  | 'audience'
  | 'lifetime'
  | 'claims'
  | 'critical-headers'
  | 'failure-response'
  | 'rate-limit'
  | 'claim-headers'
  | 'authorization-forwarding'
  | 'request-checks';

export interface PolicyDiagnostic {
  severity: 'error' | 'warning' | 'note';
  /** Lint rule id, or `not-emulated` / `note` for emulation remarks. */
  rule: string;
  message: string;
  file: string;
  line: number;
  /** For `not-emulated`: the checks whose verdicts don't reflect the real gateway. */
  checks?: PolicyCheck[];
}

export function notEmulated(file: string, line: number, message: string, checks: PolicyCheck[]): PolicyDiagnostic {
  return { severity: 'warning', rule: 'not-emulated', message, file, line, checks };
}

export function note(file: string, line: number, message: string): PolicyDiagnostic {
  return { severity: 'note', rule: 'note', message, file, line };
}
