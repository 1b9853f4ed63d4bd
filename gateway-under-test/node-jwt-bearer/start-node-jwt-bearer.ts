import { fileURLToPath } from 'node:url';
import type { RunningGateway } from '../process/start-gateway-process.ts';
import { startNodeValidator, type NodeValidatorOptions } from '../node-validators/start-node-validator.ts';

const SERVER = fileURLToPath(new URL('./node-jwt-bearer-server.ts', import.meta.url));

export type NodeJwtBearerOptions = NodeValidatorOptions;

/**
 * express 5 + express-oauth2-jwt-bearer as a child process. With `passThroughPath`, that path
 * skips validation: the same express server's proxying cost alone.
 */
export function startNodeJwtBearer(options: NodeJwtBearerOptions): Promise<RunningGateway> {
  return startNodeValidator('node-jwt-bearer', SERVER, options);
}
