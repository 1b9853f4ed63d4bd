import { GatecheckError } from '../../errors/index.ts';

/** A container target cannot run here (no Docker engine, no APIM instance); `reason` says why. */
export class ContainerUnavailableError extends GatecheckError {
  constructor(reason: string) {
    super('ERR_CONTAINER_UNAVAILABLE', reason);
  }
}
