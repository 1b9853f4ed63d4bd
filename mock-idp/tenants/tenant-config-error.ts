import { GatecheckError } from '../../errors/index.ts';

/** A tenant file that cannot be used: names the file, the path inside it and the reason. */
export class TenantConfigError extends GatecheckError {
  readonly file: string;
  readonly path: string;

  constructor(file: string, path: string, reason: string) {
    super('ERR_TENANT_CONFIG', `${file}${path ? `: ${path}` : ''}: ${reason}`);
    this.file = file;
    this.path = path;
  }
}
