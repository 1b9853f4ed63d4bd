import { fileURLToPath } from 'node:url';
import type { AdapterInput, GatewayAdapter } from '../adapters/gateway-adapter.ts';
import { ordersProfile } from '../adapters/orders-profile.ts';
import { tailLogs } from '../adapters/tail-logs.ts';
import type { TargetProfile } from '../target.ts';
import { startNodeValidator } from './start-node-validator.ts';

interface NodeValidator {
  /** Target name: `node:<npm package>`. */
  name: string;
  /** The server file in this folder. */
  server: string;
  /** The npm packages it loads, for skip-or-fail decisions in tests. */
  requiredPackages: string[];
  /** What the library, configured as its README shows, enforces beyond issuer, audience and RS256. */
  declare: Pick<TargetProfile, 'clockSkewSeconds' | 'jwks' | 'features'> & { token: Partial<TargetProfile['token']> };
}

// Shared by all four: exp is checked when present but not required, a token without kid is refused
// while the JWKS holds more than one key (the mock always publishes two), typ is not read, the
// token is read from the Authorization header only, Authorization reaches the upstream, and the
// front answers with RFC 6750 challenges. None forwards claim headers or strips anything.
const COMMON_TOKEN = { requireExp: false, kidAbsent: 'reject' as const, rejectFutureIat: false };

const VALIDATORS: NodeValidator[] = [
  {
    name: 'node:jsonwebtoken',
    server: 'jsonwebtoken-server.ts',
    requiredPackages: ['jsonwebtoken', 'jwks-rsa'],
    declare: {
      // jsonwebtoken's clockTolerance defaults to 0.
      clockSkewSeconds: 0,
      token: COMMON_TOKEN,
      // jwks-rsa defaults: each kid's key cached 10 min; an unknown kid fetches the JWKS every time
      // (rateLimit is off unless asked for), and nothing stale is served when the fetch fails.
      jwks: { refreshSeconds: 600, unknownKidCooldownSeconds: 0, staleIfErrorSeconds: 0 },
      features: ['rfc6750-challenges'],
    },
  },
  {
    name: 'node:express-jwt',
    server: 'express-jwt-server.ts',
    requiredPackages: ['express-jwt', 'jwks-rsa'],
    declare: {
      clockSkewSeconds: 0,
      token: COMMON_TOKEN,
      // jwks-rsa as its express example sets it: 10 min per-kid cache, at most 5 JWKS fetches a
      // minute (a token bucket: 5 at once, then one every 12 s). A burst of unknown kids can cost 5
      // fetches, so it does not promise "at most one refresh" (jwks-refresh-on-unknown-kid).
      jwks: { refreshSeconds: 600, unknownKidCooldownSeconds: 12, staleIfErrorSeconds: 0 },
      features: ['rfc6750-challenges'],
    },
  },
  {
    name: 'node:jose',
    server: 'jose-server.ts',
    requiredPackages: ['jose'],
    declare: {
      // jwtVerify's clockTolerance defaults to 0.
      clockSkewSeconds: 0,
      token: COMMON_TOKEN,
      // createRemoteJWKSet defaults: cacheMaxAge 10 min, cooldownDuration 30 s between refetches.
      jwks: { refreshSeconds: 600, unknownKidCooldownSeconds: 30, staleIfErrorSeconds: 0 },
      features: ['rfc6750-challenges', 'jwks-refresh-on-unknown-kid'],
    },
  },
  {
    name: 'node:fast-jwt',
    server: 'fast-jwt-server.ts',
    requiredPackages: ['fast-jwt', 'get-jwks'],
    declare: {
      // fast-jwt's clockTolerance defaults to 0.
      clockSkewSeconds: 0,
      token: COMMON_TOKEN,
      // get-jwks defaults: each (alg, kid) cached 60 s; a kid not in the cache fetches the JWKS every
      // time, with no throttle.
      jwks: { refreshSeconds: 60, unknownKidCooldownSeconds: 0, staleIfErrorSeconds: 0 },
      features: ['rfc6750-challenges'],
    },
  },
];

function adapterFor(v: NodeValidator): GatewayAdapter {
  const server = fileURLToPath(new URL(`./${v.server}`, import.meta.url));
  const profile = (input: AdapterInput): TargetProfile =>
    ordersProfile({
      name: v.name,
      issuer: input.issuer,
      audience: input.audience,
      keySource: 'jwks',
      jwksUri: input.jwksUri,
      token: v.declare.token,
      clockSkewSeconds: v.declare.clockSkewSeconds,
      jwks: v.declare.jwks,
      tokenLocations: ['header'],
      features: v.declare.features,
    });
  return {
    name: v.name,
    binary: 'node',
    requiredFiles: [],
    requiredPackages: v.requiredPackages,
    profile,
    async start(input) {
      const declared = profile(input);
      const gateway = await startNodeValidator(v.name, server, {
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
}

/** Third-party Node JWT validators behind the shared node:http front, by target name. */
export const NODE_VALIDATOR_ADAPTERS: Record<string, GatewayAdapter> = Object.fromEntries(
  VALIDATORS.map((v) => [v.name, adapterFor(v)]),
);
