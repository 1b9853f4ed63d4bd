import { GatecheckError } from '../../errors/index.ts';

/** A peer gateway binary (haproxy, apache2, wrk…) is not installed where we look for it. */
export class PeerBinaryMissingError extends GatecheckError {
  readonly binary: string;
  constructor(binary: string, hint: string) {
    super('ERR_PEER_BINARY_MISSING', `peer binary ${binary} not installed (${hint})`);
    this.binary = binary;
  }
}

/** The gateway process exited or never opened its port; the message carries the tail of its logs. */
export class GatewayStartError extends GatecheckError {
  readonly logs: string;
  constructor(message: string, logs: string) {
    super('ERR_GATEWAY_START', message);
    this.logs = logs;
  }
}

/** A launcher option that would produce a broken or injectable configuration; `key` names it. */
export class LauncherConfigError extends GatecheckError {
  readonly key: string;
  constructor(key: string, message: string) {
    super('ERR_LAUNCHER_CONFIG', `${key}: ${message}`);
    this.key = key;
  }
}
