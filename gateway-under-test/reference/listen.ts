import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { GatecheckError } from '../../errors/index.ts';

export class GatewayListenError extends GatecheckError {
  constructor(message: string) {
    super('ERR_GATEWAY_LISTEN', message);
  }
}

/** Listen failures in words, not errno codes. */
const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use; choose another or stop what holds it',
  EACCES: 'not allowed (ports below 1024 need privileges); choose a port above 1023',
  EADDRNOTAVAIL: 'no such local address; listen on 127.0.0.1 or an address this machine has',
};

/** Binds and resolves the bound port, or rejects with one clear line (EADDRINUSE and friends). */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new GatewayListenError(`cannot listen on ${host}:${port}: ${LISTEN_PROBLEMS[err.code ?? ''] ?? err.message}`));
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
