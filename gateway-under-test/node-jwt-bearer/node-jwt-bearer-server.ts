/**
 * A small express 5 resource server using express-oauth2-jwt-bearer, written the way its README
 * shows: `auth()` with issuer, jwksUri, audience and a pinned algorithm, then `claimCheck` per
 * route. It is the third-party validator in the matrix, so it must stay ordinary: no hardening
 * beyond what the library's documentation suggests. Run as a child process:
 * `node node-jwt-bearer-server.ts CONFIG.json` (NODE_EXTRA_CA_CERTS makes the local CA trusted).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { auth, claimCheck } from 'express-oauth2-jwt-bearer';
import { findRoute, grants, proxyTo, readNodeValidatorConfig } from '../node-validators/serve-node-front.ts';

const config = readNodeValidatorConfig();
const proxy = proxyTo(config.upstream);

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
  const route = findRoute(config.routes, req.method, req.path);
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
