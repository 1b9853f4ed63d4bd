import { createServer } from 'node:net';

/**
 * A port on 127.0.0.1 that was free a moment ago. HAProxy and Apache cannot report an ephemeral
 * port back to us, so we pick one; the small race is covered by retrying the start on EADDRINUSE.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
