/**
 * The small node:http front every third-party Node JWT validator runs behind: the route table from
 * the profile, the route's required role or scope, the proxy to the upstream and the 401/403
 * answers. What differs between validators is only the `validate` function each server file hands
 * to `serveNodeFront`; the front adds no token check of its own, so every verdict the suite gives
 * belongs to the library and the configuration its README shows.
 */
import { readFileSync } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { routeMatch } from '../adapters/orders-profile.ts';
import type { ProfileRoute } from '../target.ts';
import { GatecheckError } from '../../errors/index.ts';

/** What a Node validator's launcher writes for its server process (`node SERVER.ts CONFIG.json`). */
export interface NodeValidatorConfig {
  port: number;
  upstream: string;
  issuer: string;
  audience: string;
  jwksUri: string;
  routes: ProfileRoute[];
}

export type TokenPayload = Record<string, unknown>;

/** Verifies the request's token; resolves with the verified payload or rejects (see `answerFault`). */
export type Validate = (req: IncomingMessage) => Promise<TokenPayload>;

/** No credentials at all: answered with a bare challenge (RFC 6750 §3.1). */
export class MissingTokenError extends GatecheckError {
  constructor(message: string) {
    super('ERR_MISSING_TOKEN', message);
  }
}

/** Reads the config file named by the process's first argument. */
export function readNodeValidatorConfig(argv = process.argv): NodeValidatorConfig {
  return JSON.parse(readFileSync(argv[2], 'utf8')) as NodeValidatorConfig;
}

/** The first route whose pattern and method match, in profile order. */
export function findRoute(routes: ProfileRoute[], method: string, path: string): ProfileRoute | undefined {
  return routes.find((route) => {
    const { prefix, path: p } = routeMatch(route.path);
    const pathOk = prefix ? path.startsWith(p) : path === p;
    return pathOk && (route.methods.includes('*') || route.methods.includes(method));
  });
}

/** The route's requirement (one of its values in one of its claims, arrays or separated strings). */
export function grants(route: ProfileRoute, payload: TokenPayload): boolean {
  const req = route.require;
  if (!req) return true;
  return req.values.some((value) =>
    req.claims.some((claim) => {
      const v = payload[claim];
      if (Array.isArray(v)) return v.includes(value);
      return typeof v === 'string' && v.split(req.separator || ' ').includes(value);
    }),
  );
}

/** RFC 9110 §7.2: uri-host [ ":" port ]. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::\d*)?$/;
/** Hop-by-hop fields (RFC 9110 §7.6.1, §7.8): for this connection only, never forwarded. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings'];

/**
 * Forwards the request as received (headers included: `x-gatecheck-request-id`, and Authorization,
 * which none of these libraries removes) and streams the upstream's answer back. Only what any HTTP
 * intermediary must do is done here, so the suite's http/ cases judge no library for this front: the
 * hop-by-hop fields and those Connection names are dropped, and two Host lines or a malformed Host
 * are answered 400 (RFC 9112 §3.2).
 */
export function proxyTo(upstream: string): (req: IncomingMessage, res: ServerResponse) => void {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  return (req, res) => {
    if (req.rawHeaders.filter((name, i) => i % 2 === 0 && name.toLowerCase() === 'host').length > 1 || !HOST.test(req.headers.host ?? '')) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request"}');
      return;
    }
    const headers = { ...req.headers };
    for (const name of [...HOP_BY_HOP, ...(req.headers.connection ?? '').split(',').map((t) => t.trim().toLowerCase())]) delete headers[name];
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(out);
  };
}

/**
 * The token from `Authorization: Bearer <token>`, the way an integrator writes it for a library
 * that takes a compact token string and leaves extraction to the app (jsonwebtoken, jose, fast-jwt).
 */
export function bearerFromHeader(req: IncomingMessage): string {
  const header = req.headers.authorization;
  if (!header) throw new MissingTokenError('no Authorization header');
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) throw new Error('Authorization is not "Bearer <token>"');
  return match[1];
}

function answer(res: ServerResponse, status: number, headers: Record<string, string>, error: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error }));
}

/**
 * A validator's refusal as an answer: errors that carry their own status and headers (the express
 * middlewares') keep them; a missing token gets a bare challenge; anything else is invalid_token.
 */
function answerFault(res: ServerResponse, err: unknown): void {
  const e = err as { status?: unknown; headers?: unknown; message?: unknown };
  if (typeof e?.status === 'number' && e.headers && typeof e.headers === 'object') {
    answer(res, e.status, e.headers as Record<string, string>, String(e.message ?? 'error'));
    return;
  }
  if (err instanceof MissingTokenError) {
    answer(res, 401, { 'www-authenticate': 'Bearer realm="gatecheck"' }, 'missing_token');
    return;
  }
  answer(res, 401, { 'www-authenticate': 'Bearer realm="gatecheck", error="invalid_token"' }, 'invalid_token');
}

/** Serves the front on 127.0.0.1:`config.port` with `validate` as the only token check. */
export function serveNodeFront(config: NodeValidatorConfig, validate: Validate): void {
  const proxy = proxyTo(config.upstream);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://front').pathname;
    const route = findRoute(config.routes, req.method ?? 'GET', path);
    if (!route) {
      answer(res, 404, {}, 'no_route');
      return;
    }
    if (route.auth === 'anonymous') {
      proxy(req, res);
      return;
    }
    validate(req).then(
      (payload) => {
        if (grants(route, payload)) proxy(req, res);
        else {
          const scope = route.require?.values.join(' ') ?? '';
          answer(res, 403, { 'www-authenticate': `Bearer realm="gatecheck", error="insufficient_scope", scope="${scope}"` }, 'insufficient_scope');
        }
      },
      (err: unknown) => {
        // The access log line the test reports show beside a verdict.
        process.stdout.write(`${req.method} ${req.url} refused: ${(err as Error)?.message ?? err}\n`);
        answerFault(res, err);
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  server.listen(config.port, '127.0.0.1');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  }
}
