import { GatecheckError } from '../../../errors/index.ts';

/**
 * A policy file gatecheck can't take: malformed XML, an unknown policy name, an attribute the policy
 * doesn't have, a policy the platform itself would refuse to deploy. The CLI prints it as one line
 * with file and line and exits 2.
 */
export type PolicyErrorCode = 'ERR_POLICY_XML' | 'ERR_POLICY_UNKNOWN' | 'ERR_POLICY_ATTRIBUTE' | 'ERR_POLICY_INVALID' | 'ERR_POLICY_NOT_EMULABLE' | 'ERR_POLICY_VALUES' | 'ERR_POLICY_UNRESOLVED';

export class PolicyError extends GatecheckError {
  declare readonly code: PolicyErrorCode;
  readonly file: string;
  /** 0 when the problem has no line (a file that cannot be read, a folder that lacks a part). */
  readonly line: number;
  constructor(code: PolicyErrorCode, file: string, line: number, message: string) {
    super(code, `${line > 0 ? `${file}:${line}` : file}: ${message}`);
    this.file = file;
    this.line = line;
  }
}
