import { GatecheckError } from '../../errors/index.ts';

/**
 * A failure of the harness or of its input, never of the gateway: the run ends with exit code 2.
 * Codes are stable so the CLI and tests can tell them apart without parsing messages.
 */
export type HarnessErrorCode =
  | 'ERR_CASE_INVALID'
  | 'ERR_CASE_LOAD'
  | 'ERR_TARGET_PROFILE'
  | 'ERR_TARGET_UNREACHABLE'
  | 'ERR_TARGET_PREFLIGHT'
  | 'ERR_IDP_CONTROL'
  | 'ERR_UNKNOWN_TARGET'
  | 'ERR_TARGET_POLICY'
  | 'ERR_NO_CASES';

export class HarnessError extends GatecheckError {
  declare readonly code: HarnessErrorCode;
  constructor(code: HarnessErrorCode, message: string) {
    super(code, message);
  }
}
