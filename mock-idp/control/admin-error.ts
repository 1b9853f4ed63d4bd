import { GatecheckError } from '../../errors/index.ts';

/** A control-API request the mock refuses; `status` and `field` go straight into the JSON answer. */
export class AdminError extends GatecheckError {
  readonly status: number;
  readonly error: string;
  readonly field?: string;
  readonly body?: Record<string, unknown>;

  constructor(status: number, error: string, message: string, options: { field?: string; body?: Record<string, unknown> } = {}) {
    super('ERR_ADMIN_REQUEST', message);
    this.status = status;
    this.error = error;
    this.field = options.field;
    this.body = options.body;
  }
}
