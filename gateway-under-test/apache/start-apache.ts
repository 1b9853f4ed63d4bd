import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunDir } from '../process/create-run-dir.ts';
import { PeerBinaryMissingError } from '../process/errors.ts';
import { findPeerBinary } from '../process/find-peer-binary.ts';
import type { GatewayOptions } from '../process/gateway-options.ts';
import { startGatewayProcess, type RunningGateway } from '../process/start-gateway-process.ts';
import { apacheConfig, type ApacheConfigInput } from './apache-config.ts';

export interface ApacheModuleSetup {
  name: string;
  modules: ApacheConfigInput['modules'];
  /** Writes any extra files (CA bundle…) and returns the module's directives. */
  directives(dir: RunDir): { server: string[]; location: string[] };
}

/** Starts `apache2 -DFOREGROUND -f <generated config>` with one auth module guarding `/`. */
export async function startApache(options: GatewayOptions, setup: ApacheModuleSetup): Promise<RunningGateway> {
  const binary = options.binary ?? findPeerBinary('apache2');
  if (!binary) throw new PeerBinaryMissingError('apache2', 'apt-get install apache2');
  const dropPrivileges = process.getuid?.() === 0;
  return startGatewayProcess({
    name: setup.name,
    binary,
    port: options.port,
    logsDir: options.logsDir,
    // Debian's apache2 binary reads these names from /etc/apache2/envvars via apache2ctl; we start
    // it directly, so we pass what it would otherwise miss (LANG=C keeps messages parseable).
    env: {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      LANG: 'C',
      APACHE_RUN_USER: 'www-data',
      APACHE_RUN_GROUP: 'www-data',
    },
    prepare(dir, port) {
      const { server, location } = setup.directives(dir);
      const config = join(dir.conf, 'apache2.conf');
      writeFileSync(
        config,
        apacheConfig({
          ...options,
          port,
          dir,
          modules: setup.modules,
          serverDirectives: server,
          authDirectives: location,
          dropPrivileges,
        }),
      );
      return ['-DFOREGROUND', '-f', config];
    },
  });
}
