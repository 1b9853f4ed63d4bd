import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createLocalTls, createSelfSignedServerTls, type LocalTls } from '../keys/local-tls.ts';
import type { TlsFaultCertificate } from './fault-schema.ts';

/** The name the wrong-host certificate is issued for: reserved (RFC 2606 `.invalid`), never 127.0.0.1. */
export const WRONG_HOST_NAME = 'wrong-host.gatecheck.invalid';

/**
 * Extra HTTPS listeners on the mock's host, serving the very same routes as the mock, that present a
 * certificate a client must refuse (the `rewrite` discovery fault with `jwksTls` points `jwks_uri` at
 * one):
 * - `self-signed`: a certificate for 127.0.0.1 that is its own issuer, so no trust anchor vouches for it;
 * - `wrong-host`: a certificate from the mock's CA (`ca()`), valid in every way except that it names
 *   another host than the one the client connected to (RFC 9110 §4.3.4, RFC 6125).
 * A client that trusts `ca()` and still loads keys from either has turned certificate checks off.
 * Listeners start on first use and stop with the mock.
 */
export class TlsFaultListeners {
  readonly #handler: (req: IncomingMessage, res: ServerResponse) => void;
  readonly #host: string;
  #ca: Promise<LocalTls> | undefined;
  #servers = new Map<TlsFaultCertificate, Promise<{ server: Server; origin: string }>>();
  #closed = false;

  /** `ca`: the mock's own CA when it serves HTTPS (so `ca()` is the anchor its clients already trust). */
  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void, host: string, ca?: LocalTls) {
    this.#handler = handler;
    this.#host = host;
    this.#ca = ca ? Promise.resolve(ca) : undefined;
  }

  /** PEM of the CA that issued the wrong-host certificate (and, under --tls, the mock's own). */
  async ca(): Promise<string> {
    return (await this.#localCa()).caPem;
  }

  /** `https://host:port` of the listener presenting that certificate, started on first use. */
  async origin(certificate: TlsFaultCertificate): Promise<string> {
    if (this.#closed) throw new Error('the mock is closed');
    let entry = this.#servers.get(certificate);
    if (!entry) {
      entry = this.#start(certificate);
      this.#servers.set(certificate, entry);
      entry.catch(() => this.#servers.delete(certificate));
    }
    return (await entry).origin;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const started = await Promise.allSettled(this.#servers.values());
    this.#servers.clear();
    await Promise.all(
      started.map((s) =>
        s.status === 'fulfilled'
          ? new Promise<void>((resolve) => {
              s.value.server.close(() => resolve());
              s.value.server.closeAllConnections();
            })
          : undefined,
      ),
    );
  }

  #localCa(): Promise<LocalTls> {
    this.#ca ??= createLocalTls();
    return this.#ca;
  }

  async #start(certificate: TlsFaultCertificate): Promise<{ server: Server; origin: string }> {
    const pair = certificate === 'self-signed' ? await createSelfSignedServerTls() : await (await this.#localCa()).issue([WRONG_HOST_NAME]);
    const server = createServer({ key: pair.keyPem, cert: pair.certPem }, this.#handler);
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.#host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (this.#closed) {
      server.close();
      throw new Error('the mock is closed');
    }
    const { port } = server.address() as AddressInfo;
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    return { server, origin: `https://${host}:${port}` };
  }
}
