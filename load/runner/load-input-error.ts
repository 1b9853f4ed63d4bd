import { GatecheckError } from '../../errors/index.ts';

/** Input the user can fix (unknown scenario, bad flag, missing k6): the CLI prints one line and exits 2. */
export class LoadInputError extends GatecheckError {
  constructor(code: `ERR_${string}`, message: string) {
    super(code, message);
  }
}
