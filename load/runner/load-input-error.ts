/** Input the user can fix (unknown scenario, bad flag, missing k6): the CLI prints one line and exits 2. */
export class LoadInputError extends Error {
  readonly code: string;
  constructor(code: `ERR_${string}`, message: string) {
    super(message);
    this.name = 'LoadInputError';
    this.code = code;
  }
}
