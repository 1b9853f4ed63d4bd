/**
 * The base class of every error gatecheck throws on purpose, as jose's `JOSEError` is for jose: each
 * subclass carries a stable `code` (`ERR_*`), so the CLI and callers tell errors apart without parsing
 * messages, and `instanceof GatecheckError` says "gatecheck meant this" (the CLI prints it as one line,
 * exit code 2) as opposed to a bug. Subclasses name themselves through `new.target`.
 */
export class GatecheckError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
