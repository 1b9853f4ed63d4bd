import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGatewayProcess, type RunningGateway } from '../../gateway-under-test/process/start-gateway-process.ts';

/**
 * Runs `bench/child/<script>` in its own Node 22 process on a free port (argv: PORT [CONFIG.json]),
 * with the same lifecycle as the real gateways: temp dir, wait for the port, group kill on stop.
 */
export function startNodeChild(name: string, script: string, config?: unknown, nodeArgs: string[] = []): Promise<RunningGateway> {
  const entry = fileURLToPath(new URL(`./${script}`, import.meta.url));
  return startGatewayProcess({
    name,
    binary: process.execPath,
    prepare(dir, port) {
      if (config === undefined) return [...nodeArgs, entry, String(port)];
      const file = join(dir.conf, 'config.json');
      writeFileSync(file, JSON.stringify(config));
      return [...nodeArgs, entry, String(port), file];
    },
  });
}
