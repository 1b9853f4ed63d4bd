import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PeerBinaryMissingError } from '../process/errors.ts';
import { findPeerBinary } from '../process/find-peer-binary.ts';
import type { GatewayOptions } from '../process/gateway-options.ts';
import { startGatewayProcess, type RunningGateway } from '../process/start-gateway-process.ts';
import { haproxyConfig } from './haproxy-config.ts';

export interface HaproxyOptions extends GatewayOptions {
  /** SPKI PEM public key; copied into the run dir so the run is self-contained. */
  publicKeyFile: string;
  threads?: number;
}

/** HAProxy 2.6 with jwt_verify in front of `upstream`, on 127.0.0.1. */
export async function startHaproxy(options: HaproxyOptions): Promise<RunningGateway> {
  const binary = options.binary ?? findPeerBinary('haproxy');
  if (!binary) throw new PeerBinaryMissingError('haproxy', 'apt-get install haproxy');
  return startGatewayProcess({
    name: 'haproxy',
    binary,
    port: options.port,
    logsDir: options.logsDir,
    prepare(dir, port) {
      const publicKeyFile = join(dir.conf, 'public.pem');
      copyFileSync(options.publicKeyFile, publicKeyFile);
      const config = join(dir.conf, 'haproxy.cfg');
      writeFileSync(config, haproxyConfig({ ...options, port, publicKeyFile }));
      // -db: stay in the foreground so the child we track is HAProxy itself.
      return ['-db', '-f', config];
    },
  });
}
