/** A container target cannot run here (no Docker engine, no APIM instance); `reason` says why. */
export class ContainerUnavailableError extends Error {
  readonly code = 'ERR_CONTAINER_UNAVAILABLE';
  constructor(reason: string) {
    super(reason);
    this.name = 'ContainerUnavailableError';
  }
}
