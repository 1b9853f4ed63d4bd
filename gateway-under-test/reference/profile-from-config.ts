import type { TargetProfile } from '../target.ts';
import type { GatewayConfig } from './config.ts';

/** The reference gateway's target profile, derived from its config so it is never written twice. */
export function profileFromConfig(config: GatewayConfig, name = 'reference'): TargetProfile {
  const t = config.token;
  const features = ['rfc6750-challenges', 'claim-headers', 'strip-client-claim-headers', 'jwks-refresh-on-unknown-kid', 'stale-if-error', 'verified-token-cache'];
  if (config.routes.every((r) => !r.forwardAuthorization)) features.push('strip-authorization');
  if (t.rejectFutureIat) features.push('reject-future-iat');
  if (t.rejectSenderConstrained) features.push('reject-sender-constrained');
  if (t.maxLifetimeSeconds !== undefined) features.push('max-lifetime');
  if (Object.keys(config.rateLimits).length > 0) features.push('rate-limit');
  if (config.unauthenticatedLimit) features.push('unauthenticated-limit');
  if (config.subscriptions) features.push('subscription-keys');
  if (config.backendCredentials) features.push('backend-credentials');
  if (config.cae) features.push('cae');
  if (config.exposeReason) features.push('reason-header');
  if (config.issuers.some((i) => i.tenants)) features.push('multi-tenant');
  return {
    name,
    issuers: config.issuers.map((i) => ({
      issuer: i.issuer,
      ...(i.tenants ? { tenants: i.tenants } : {}),
      algorithms: i.algorithms,
      keySource: i.discoveryUrl ? 'discovery' : i.jwksUri ? 'jwks' : 'static',
      ...(i.discoveryUrl ? { discoveryUrl: i.discoveryUrl } : {}),
      ...(i.jwksUri ? { jwksUri: i.jwksUri } : {}),
      audiences: i.audiences ?? config.audiences,
    })),
    audiences: config.audiences,
    routes: config.routes.map((r) => ({
      path: r.path,
      methods: r.methods,
      auth: r.auth,
      ...(r.require ? { require: { ...r.require } } : {}),
      forwardAuthorization: r.forwardAuthorization,
      ...(r.product ? { product: r.product } : {}),
      ...(r.rateLimit ? { rateLimit: r.rateLimit } : {}),
    })),
    claimHeaders: { ...config.claimHeaders },
    rateLimits: Object.fromEntries(Object.entries(config.rateLimits).map(([k, v]) => [k, { ...v, key: [...v.key] }])),
    clockSkewSeconds: t.clockSkewSeconds,
    tokenLocations: (['header', 'query', 'body'] as const).filter((l) => t.locations[l]),
    token: {
      types: t.types,
      requireType: t.requireType,
      requireExp: t.requireExp,
      rejectFutureIat: t.rejectFutureIat,
      ...(t.maxLifetimeSeconds !== undefined ? { maxLifetimeSeconds: t.maxLifetimeSeconds } : {}),
      kidAbsent: t.kidAbsent,
      requiredClaims: t.requiredClaims,
      ...(t.claimValues.length > 0 ? { claimValues: t.claimValues.map((r) => ({ ...r })) } : {}),
      ...(t.checkAudience ? {} : { checkAudience: false }),
      ...(t.failureStatus !== undefined ? { failureStatus: t.failureStatus } : {}),
      ...(t.locations.headerName.toLowerCase() !== 'authorization' ? { headerName: t.locations.headerName } : {}),
      ...(t.locations.scheme !== 'bearer' ? { scheme: t.locations.scheme } : {}),
      ...(t.locations.queryParameter !== 'access_token' ? { queryParameter: t.locations.queryParameter } : {}),
    },
    jwks: {
      refreshSeconds: config.jwks.refreshSeconds,
      unknownKidCooldownSeconds: config.jwks.unknownKidCooldownSeconds,
      staleIfErrorSeconds: config.jwks.staleIfErrorSeconds,
    },
    features,
  };
}
