/**
 * express-jwt 8 + jwks-rsa, configured as jwks-rsa's express example shows: `expressjwt` with
 * `secret: expressJwtSecret({ cache: true, rateLimit: true, jwksRequestsPerMinute: 5, jwksUri })`,
 * `audience`, `issuer` and `algorithms: ['RS256']`. express-jwt reads only the Authorization
 * header and only `req.method`/`req.headers`, so its middleware runs as is behind the node:http
 * front (the same request object express would hand it). Run as `node express-jwt-server.ts CONFIG.json`.
 */
import type { Request, Response } from 'express';
import { expressjwt, UnauthorizedError, type Request as JwtRequest } from 'express-jwt';
import jwksRsa from 'jwks-rsa';
import { MissingTokenError, readNodeValidatorConfig, serveNodeFront, type TokenPayload } from './serve-node-front.ts';

const config = readNodeValidatorConfig();
const middleware = expressjwt({
  secret: jwksRsa.expressJwtSecret({ cache: true, rateLimit: true, jwksRequestsPerMinute: 5, jwksUri: config.jwksUri }) as never,
  audience: config.audience,
  issuer: config.issuer,
  algorithms: ['RS256'],
});

serveNodeFront(config, (req) =>
  new Promise<TokenPayload>((resolve, reject) => {
    const request = req as unknown as JwtRequest;
    void middleware(request as Request, undefined as unknown as Response, (err?: unknown) => {
      if (err instanceof UnauthorizedError && err.code === 'credentials_required') reject(new MissingTokenError(err.message));
      else if (err) reject(err);
      else resolve((request.auth ?? {}) as TokenPayload);
    });
  }),
);
