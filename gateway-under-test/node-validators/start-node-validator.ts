import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPassThroughPath, upstreamHostPort, type GatewayOptions } from '../process/gateway-options.ts';
import { startGatewayProcess, type RunningGateway } from '../process/start-gateway-process.ts';
import type { ProfileRoute } from '../target.ts';
import type { NodeValidatorConfig } from './serve-node-front.ts';

/** Either `requiredRole` on every path (the launchers' common policy) or the profile's own `routes`. */
export type NodeValidatorOptions = Omit<GatewayOptions, 'requiredRole'> & {
  jwksUri: string;
  /** PEM CA bundle that signed the JWKS server's certificate (NODE_EXTRA_CA_CERTS). */
  caBundleFile: string;
} & ({ requiredRole: string; routes?: undefined } | { routes: ProfileRoute[]; requiredRole?: undefined });

/**
 * One Node validator's server file (`SERVER.ts CONFIG.json`) as a child process on Node itself, the
 * mock's CA trusted through NODE_EXTRA_CA_CERTS. With `passThroughPath`, that path skips
 * validation: the same server's proxying cost alone.
 */
export function startNodeValidator(name: string, server: string, options: NodeValidatorOptions): Promise<RunningGateway> {
  upstreamHostPort(options.upstream);
  const pass = checkPassThroughPath(options.passThroughPath);
  const routes: ProfileRoute[] = [
    ...(pass ? [{ path: `${pass}*`, methods: ['*'], auth: 'anonymous' as const, forwardAuthorization: true }] : []),
    ...(options.routes !== undefined
      ? options.routes
      : [
          {
            path: '/*',
            methods: ['*'],
            auth: 'required' as const,
            require: { values: [options.requiredRole], claims: ['roles'], match: 'any' as const, separator: ' ' },
            forwardAuthorization: true,
          },
        ]),
  ];
  return startGatewayProcess({
    name: name.replace(/[^\w.-]+/g, '-'),
    port: options.port,
    binary: options.binary ?? process.execPath,
    logsDir: options.logsDir,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: options.caBundleFile, NODE_OPTIONS: '' },
    prepare(dir, port) {
      const config: NodeValidatorConfig = { port, upstream: options.upstream, issuer: options.issuer, audience: options.audience, jwksUri: options.jwksUri, routes };
      const file = join(dir.conf, 'config.json');
      writeFileSync(file, JSON.stringify(config, null, 2));
      return [server, file];
    },
  });
}
