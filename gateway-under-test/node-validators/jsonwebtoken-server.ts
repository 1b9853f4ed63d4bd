/**
 * jsonwebtoken 9 + jwks-rsa, configured as their READMEs show: a `jwksClient` with the JWKS URI
 * (library defaults: cache on, no rate limit), a `getKey(header, callback)` that asks it for the
 * header's kid, and `jwt.verify(token, getKey, { algorithms, audience, issuer })`. The README's
 * getKey ignores the lookup error (and would throw on `key.publicKey`); this one passes it on,
 * as any integrator must. Run as `node jsonwebtoken-server.ts CONFIG.json`.
 */
import jwt, { type GetPublicKeyOrSecret, type JwtPayload } from 'jsonwebtoken';
import jwksClient from 'jwks-rsa';
import { bearerFromHeader, readNodeValidatorConfig, serveNodeFront, type TokenPayload } from './serve-node-front.ts';

const config = readNodeValidatorConfig();
const client = jwksClient({ jwksUri: config.jwksUri });

const getKey: GetPublicKeyOrSecret = (header, callback) => {
  client.getSigningKey(header.kid, (err, key) => {
    if (err || !key) return callback(err ?? new Error('no signing key'));
    callback(null, key.getPublicKey());
  });
};

serveNodeFront(config, async (req) => {
  const token = bearerFromHeader(req);
  return new Promise<TokenPayload>((resolve, reject) => {
    jwt.verify(token, getKey, { algorithms: ['RS256'], audience: config.audience, issuer: config.issuer }, (err, decoded) => {
      if (err) reject(err);
      else resolve(decoded as JwtPayload);
    });
  });
});
