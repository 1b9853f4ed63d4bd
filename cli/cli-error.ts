import { GatecheckError } from '../errors/index.ts';

/** A usage or input error the command line reports as one line and exit code 2. */
export class CliError extends GatecheckError {
  constructor(message: string) {
    super('ERR_CLI_USAGE', message);
  }
}
