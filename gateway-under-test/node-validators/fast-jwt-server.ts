/**
 * fast-jwt 6 + get-jwks, configured as get-jwks's fast-jwt example shows: `buildGetJwks` with the
 * issuers allow-list (here the JWKS origin, with `jwksPath` naming Entra's key path, since the keys
 * are not at `/.well-known/jwks.json`), and `createVerifier` whose async `key` asks
 * `getPublicKey({ kid, alg, domain })`; plus `algorithms`, `allowedIss` and `allowedAud` from
 * fast-jwt's own README. Library defaults otherwise: get-jwks caches each key for 60 s and fetches
 * the JWKS again for every kid it has not cached; fast-jwt allows no clock tolerance.
 * Run as `node fast-jwt-server.ts CONFIG.json`.
 */
import { createVerifier } from 'fast-jwt';
import buildGetJwks from 'get-jwks';
import { bearerFromHeader, readNodeValidatorConfig, serveNodeFront, type TokenPayload } from './serve-node-front.ts';

const config = readNodeValidatorConfig();
const jwks = new URL(config.jwksUri);
const domain = jwks.origin;
const getJwks = buildGetJwks({ issuersWhitelist: [domain], jwksPath: jwks.pathname });

const verify = createVerifier({
  key: async ({ header }: { header: { kid?: string; alg?: string } }) => getJwks.getPublicKey({ kid: header.kid, alg: header.alg, domain }),
  algorithms: ['RS256'],
  allowedIss: config.issuer,
  allowedAud: config.audience,
});

serveNodeFront(config, async (req) => (await verify(bearerFromHeader(req))) as TokenPayload);
