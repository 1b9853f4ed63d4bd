import type { AdapterInput, GatewayAdapter } from '../adapters/gateway-adapter.ts';
import { ordersProfile } from '../adapters/orders-profile.ts';
import { tailLogs } from '../adapters/tail-logs.ts';
import type { TargetProfile } from '../target.ts';
import { startNodeJwtBearer } from './start-node-jwt-bearer.ts';

function profile(input: AdapterInput): TargetProfile {
  return ordersProfile({
    name: 'node-jwt-bearer',
    issuer: input.issuer,
    audience: input.audience,
    keySource: 'jwks',
    jwksUri: input.jwksUri,
    // The library's default validators require a numeric exp (`typeof exp === 'number'`: a token
    // without exp is refused 401). jose's remote JWKS under it: kid absent → the single matching
    // key, or an error when several keys could match.
    token: { requireExp: true, kidAbsent: 'reject' },
    // The library's default clockTolerance.
    clockSkewSeconds: 5,
    // jose's remote JWKS: 10 min cache, refetch on an unknown kid at most every 30 s.
    jwks: { refreshSeconds: 600, unknownKidCooldownSeconds: 30, staleIfErrorSeconds: 0 },
    // The library reads the token from the header and the access_token query parameter; a form body
    // only when the app mounts a body parser, which this one (like the README's) does not.
    tokenLocations: ['header', 'query'],
    features: ['rfc6750-challenges', 'jwks-refresh-on-unknown-kid', 'query-token'],
  });
}

/** express 5 + express-oauth2-jwt-bearer 1.10 (options per the express-oauth2-jwt-bearer README) as a child process. */
export const nodeJwtBearerAdapter: GatewayAdapter = {
  name: 'node-jwt-bearer',
  binary: 'node',
  requiredFiles: [],
  requiredPackages: ['express', 'express-oauth2-jwt-bearer'],
  profile,
  async start(input) {
    const declared = profile(input);
    const gateway = await startNodeJwtBearer({
      upstream: input.upstream,
      issuer: input.issuer,
      audience: input.audience,
      jwksUri: input.jwksUri,
      caBundleFile: input.caFile,
      routes: declared.routes,
      logsDir: input.logsDir,
      binary: input.binary,
    });
    return { url: gateway.url, pid: gateway.pid, port: gateway.port, profile: declared, logs: () => tailLogs(gateway.logs), stop: () => gateway.stop() };
  },
};
