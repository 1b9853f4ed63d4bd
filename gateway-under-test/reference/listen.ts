import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';

export class GatewayListenError extends Error {
  readonly code = 'ERR_GATEWAY_LISTEN';
  constructor(message: string) {
    super(message);
    this.name = 'GatewayListenError';
  }
}

/** Binds and resolves the bound port, or rejects with one clear line (EADDRINUSE and friends). */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new GatewayListenError(`cannot listen on ${host}:${port}: ${err.code ?? err.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function urlFor(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
