/**
 * jose 6 as its README shows for a resource server: `createRemoteJWKSet(new URL(jwksUri))` (library
 * defaults: 10 min cache, 30 s cooldown between refetches on an unknown kid) and
 * `jwtVerify(token, JWKS, { issuer, audience, algorithms: ['RS256'] })` with its default clock
 * tolerance (none). Run as `node jose-server.ts CONFIG.json`.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { bearerFromHeader, readNodeValidatorConfig, serveNodeFront } from './serve-node-front.ts';

const config = readNodeValidatorConfig();
const JWKS = createRemoteJWKSet(new URL(config.jwksUri));

serveNodeFront(config, async (req) => {
  const { payload } = await jwtVerify(bearerFromHeader(req), JWKS, { issuer: config.issuer, audience: config.audience, algorithms: ['RS256'] });
  return payload;
});
