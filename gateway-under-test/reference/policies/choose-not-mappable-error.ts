import { GatecheckError } from '../../../errors/index.ts';

/**
 * A `<choose>` the reference gateway's routes cannot express (a branch validating tokens differently, a
 * condition outside the expression subset). The emulation catches it and reports the route as not
 * emulated, naming the condition and its line; it never reaches the user as a failure of its own.
 */
export class ChooseNotMappableError extends GatecheckError {
  constructor(message: string) {
    super('ERR_POLICY_NOT_EMULABLE', message);
  }
}
