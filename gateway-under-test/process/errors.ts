/** A peer gateway binary (haproxy, apache2, wrk…) is not installed where we look for it. */
export class PeerBinaryMissingError extends Error {
  readonly code = 'ERR_PEER_BINARY_MISSING';
  readonly binary: string;
  constructor(binary: string, hint: string) {
    super(`peer binary ${binary} not installed (${hint})`);
    this.name = 'PeerBinaryMissingError';
    this.binary = binary;
  }
}

/** The gateway process exited or never opened its port; the message carries the tail of its logs. */
export class GatewayStartError extends Error {
  readonly code = 'ERR_GATEWAY_START';
  readonly logs: string;
  constructor(message: string, logs: string) {
    super(message);
    this.name = 'GatewayStartError';
    this.logs = logs;
  }
}

/** A launcher option that would produce a broken or injectable configuration; `key` names it. */
export class LauncherConfigError extends Error {
  readonly code = 'ERR_LAUNCHER_CONFIG';
  readonly key: string;
  constructor(key: string, message: string) {
    super(`${key}: ${message}`);
    this.name = 'LauncherConfigError';
    this.key = key;
  }
}
