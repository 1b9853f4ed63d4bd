import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin, type AdminContext } from '../../control/admin-routes.ts';

/** The control routes on their own loopback server, for tests that need them independently of the router. */
export async function startAdminServer(ctx: AdminContext): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    handleAdmin(ctx, req, res).catch((e: Error) => res.writeHead(500).end(e.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
