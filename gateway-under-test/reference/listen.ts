import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { GatecheckError } from '../../errors/index.ts';

/** `socket` says which of the gateway's two sockets could not bind, so a caller can name its own flag. */
export class GatewayListenError extends GatecheckError {
  readonly socket: 'public' | 'admin';
  constructor(message: string, socket: 'public' | 'admin') {
    super('ERR_GATEWAY_LISTEN', message);
    this.socket = socket;
  }
}

/** Listen failures in words, not errno codes. */
const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use; choose another or stop what holds it',
  EACCES: 'not allowed (ports below 1024 need privileges); choose a port above 1023',
  EADDRNOTAVAIL: 'no such local address; listen on 127.0.0.1 or an address this machine has',
};

/** Binds and resolves the bound port, or rejects with one clear line (EADDRINUSE and friends). */
export function listen(server: Server, host: string, port: number, socket: 'public' | 'admin' = 'public'): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new GatewayListenError(`cannot listen on ${host}:${port}${socket === 'admin' ? ' (metrics and admin)' : ''}: ${LISTEN_PROBLEMS[err.code ?? ''] ?? err.message}`, socket));
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
