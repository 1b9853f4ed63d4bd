/** A tenant file that cannot be used: names the file, the path inside it and the reason. */
export class TenantConfigError extends Error {
  readonly code = 'ERR_TENANT_CONFIG';
  readonly file: string;
  readonly path: string;

  constructor(file: string, path: string, reason: string) {
    super(`${file}${path ? `: ${path}` : ''}: ${reason}`);
    this.name = 'TenantConfigError';
    this.file = file;
    this.path = path;
  }
}
