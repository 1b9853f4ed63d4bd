/** A usage or input error the command line reports as one line and exit code 2. */
export class CliError extends Error {
  readonly code = 'ERR_CLI_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
