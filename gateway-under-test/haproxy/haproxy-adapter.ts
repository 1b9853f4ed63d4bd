import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdapterInput, GatewayAdapter } from '../adapters/gateway-adapter.ts';
import { ordersProfile } from '../adapters/orders-profile.ts';
import { tailLogs } from '../adapters/tail-logs.ts';
import { PeerBinaryMissingError } from '../process/errors.ts';
import { findPeerBinary } from '../process/find-peer-binary.ts';
import { startGatewayProcess } from '../process/start-gateway-process.ts';
import type { TargetProfile } from '../target.ts';
import { haproxyProfileConfig } from './haproxy-profile-config.ts';

function profile(input: AdapterInput): TargetProfile {
  return ordersProfile({
    name: 'haproxy',
    issuer: input.issuer,
    audience: input.audience,
    // No JWKS: the keys are PEM files read at start, so a rotation at the IdP means a reload here.
    // Without the key-rotation and idp-faults features those cases are skipped, not failed.
    keySource: 'static',
    // kid is ignored: every configured key is tried.
    token: { requireExp: true, kidAbsent: 'try-all' },
    // `exp - now < 0` refuses; exp == now still passes, and there is no configurable leeway.
    clockSkewSeconds: 0,
    features: ['rfc6750-challenges'],
  });
}

/** HAProxy 2.6 jwt_verify against PEM keys exported from the IdP's key store (HAProxy configuration manual, `jwt_verify`). */
export const haproxyAdapter: GatewayAdapter = {
  name: 'haproxy',
  binary: 'haproxy',
  requiredFiles: [],
  profile,
  async start(input) {
    const binary = input.binary ?? findPeerBinary('haproxy');
    if (!binary) throw new PeerBinaryMissingError('haproxy', 'apt-get install haproxy');
    const declared = profile(input);
    const gateway = await startGatewayProcess({
      name: 'haproxy',
      binary,
      logsDir: input.logsDir,
      prepare(dir, port) {
        const publicKeyFiles = input.publicKeyPems.map((pem, i) => {
          const file = join(dir.conf, `key-${i}.pem`);
          writeFileSync(file, pem);
          return file;
        });
        const config = join(dir.conf, 'haproxy.cfg');
        writeFileSync(config, haproxyProfileConfig({ port, upstream: input.upstream, profile: declared, publicKeyFiles }));
        // -db: stay in the foreground so the child we track is HAProxy itself.
        return ['-db', '-f', config];
      },
    });
    return { url: gateway.url, pid: gateway.pid, port: gateway.port, profile: declared, logs: () => tailLogs(gateway.logs), stop: () => gateway.stop() };
  },
};
