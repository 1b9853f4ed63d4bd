/**
 * A small express 5 resource server using express-oauth2-jwt-bearer, written the way its README
 * shows: `auth()` with issuer, jwksUri, audience and a pinned algorithm, then `claimCheck` per
 * route. It is the third-party validator in the matrix, so it must stay ordinary: no hardening
 * beyond what the library's documentation suggests. Run as a child process:
 * `node node-jwt-bearer-server.ts CONFIG.json` (NODE_EXTRA_CA_CERTS makes the local CA trusted).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { auth, claimCheck, type JWTPayload } from 'express-oauth2-jwt-bearer';
import type { ProfileRoute } from '../target.ts';

export interface NodeJwtBearerConfig {
  port: number;
  upstream: string;
  issuer: string;
  audience: string;
  jwksUri: string;
  routes: ProfileRoute[];
}

const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as NodeJwtBearerConfig;
const upstream = new URL(config.upstream);
const agent = new Agent({ keepAlive: true });

function proxy(req: Request, res: Response): void {
  const out = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.originalUrl, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => {
    if (!res.headersSent) res.status(502).end();
  });
  req.pipe(out);
}

function matches(route: ProfileRoute, req: Request): boolean {
  const path = route.path.endsWith('*') ? route.path.slice(0, -1) : route.path;
  const pathOk = route.path.endsWith('*') ? req.path.startsWith(path) : req.path === path;
  return pathOk && (route.methods.includes('*') || route.methods.includes(req.method));
}

function grants(route: ProfileRoute, payload: JWTPayload): boolean {
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

const app = express();
app.disable('x-powered-by');
const validate = auth({
  issuer: config.issuer,
  jwksUri: config.jwksUri,
  audience: config.audience,
  tokenSigningAlg: 'RS256',
  // 1.10 appends `DPoP algs=…` to every challenge unless DPoP is off; bearer only here.
  dpop: { enabled: false },
});

app.use((req, res, next) => {
  const route = config.routes.find((r) => matches(r, req));
  if (!route) {
    res.status(404).json({ error: 'no_route' });
    return;
  }
  if (route.auth === 'anonymous') {
    proxy(req, res);
    return;
  }
  validate(req, res, (err?: unknown) => {
    if (err) return next(err);
    claimCheck((payload) => grants(route, payload))(req, res, (err2?: unknown) => (err2 ? next(err2) : proxy(req, res)));
  });
});

// The library's errors carry status and the WWW-Authenticate header; pass both through.
app.use((err: { status?: number; headers?: Record<string, string>; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
  res.status(err.status ?? 500);
  for (const [name, value] of Object.entries(err.headers ?? {})) res.setHeader(name, value);
  res.json({ error: err.message ?? 'error' });
});

const server = app.listen(config.port, '127.0.0.1');
server.keepAliveTimeout = 65_000;
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close(() => process.exit(0)));
