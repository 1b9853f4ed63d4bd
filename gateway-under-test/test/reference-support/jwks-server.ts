import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback IdP for unit tests: serves a discovery document and a JWKS whose content and failure mode
 * the test controls, and counts every request.
 */
export interface JwksServer {
  url: string;
  issuer: string;
  discoveryUrl: string;
  jwksUri: string;
  /** What the JWKS path answers; replace freely. */
  keys: Record<string, unknown>[];
  /** 'ok' | 'down' (503) | 'garbage' (HTML) | { delayMs } | { redirect: url } | custom handler */
  mode: 'ok' | 'down' | 'garbage' | { delayMs: number } | { redirect: string } | ((req: IncomingMessage, res: ServerResponse) => void);
  discoveryIssuer: string;
  jwksFetches: number;
  discoveryFetches: number;
  close(): Promise<void>;
}

export async function startJwksServer(keys: Record<string, unknown>[] = []): Promise<JwksServer> {
  const pending = new Set<NodeJS.Timeout>();
  const state: JwksServer = {
    url: '',
    issuer: '',
    discoveryUrl: '',
    jwksUri: '',
    keys,
    mode: 'ok',
    discoveryIssuer: '',
    jwksFetches: 0,
    discoveryFetches: 0,
    close: async () => {
      for (const t of pending) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      state.discoveryFetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: state.discoveryIssuer, jwks_uri: state.jwksUri }));
      return;
    }
    if (req.url === '/keys' || req.url === '/keys-moved') {
      state.jwksFetches++;
      const mode = state.mode;
      if (typeof mode === 'function') return mode(req, res);
      if (mode === 'down') return void res.writeHead(503).end('down');
      if (mode === 'garbage') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>oops</html>');
      if (typeof mode === 'object' && 'redirect' in mode) return void res.writeHead(302, { location: mode.redirect }).end();
      const body = JSON.stringify({ keys: state.keys });
      if (typeof mode === 'object' && 'delayMs' in mode) {
        const t = setTimeout(() => {
          pending.delete(t);
          res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        }, mode.delayMs);
        pending.add(t);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.issuer = `${state.url}/tenant/v2.0`;
  state.discoveryIssuer = state.issuer;
  state.discoveryUrl = `${state.url}/.well-known/openid-configuration`;
  state.jwksUri = `${state.url}/keys`;
  return state;
}
