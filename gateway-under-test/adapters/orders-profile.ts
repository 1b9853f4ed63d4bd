import type { ProfileRequirement, ProfileRoute, TargetProfile } from '../target.ts';

const need = (value: string): ProfileRequirement => ({ values: [value], claims: ['roles', 'scp'], match: 'any', separator: ' ' });

/**
 * The policy every real gateway is configured with: the reference gateway's demo policy for
 * orders-api (role or delegated scope Orders.Read to GET /api/orders*, Orders.Write to POST,
 * /health anonymous), so the matrix compares implementations, not policies. Real gateways forward
 * the caller's Authorization header unless told otherwise, and none of them is told here.
 */
export const ORDERS_ROUTES: ProfileRoute[] = [
  { path: '/health', methods: ['GET'], auth: 'anonymous', forwardAuthorization: true },
  { path: '/api/orders*', methods: ['GET'], auth: 'required', require: need('Orders.Read'), forwardAuthorization: true },
  { path: '/api/orders*', methods: ['POST'], auth: 'required', require: need('Orders.Write'), forwardAuthorization: true },
];

export interface OrdersProfileInput {
  name: string;
  issuer: string;
  audience: string;
  keySource: 'jwks' | 'static';
  /** Default RS256 only. */
  algorithms?: string[];
  jwksUri?: string;
  token: Partial<TargetProfile['token']>;
  clockSkewSeconds: number;
  claimHeaders?: TargetProfile['claimHeaders'];
  jwks?: TargetProfile['jwks'];
  /** Default: the Authorization header only. */
  tokenLocations?: TargetProfile['tokenLocations'];
  features: string[];
}

/**
 * A real gateway's profile: only what its configuration and documented behaviour promise. Claim
 * header names default to the reference's so cases can print them, but without the `claim-headers`
 * feature no case relies on them.
 */
export function ordersProfile(input: OrdersProfileInput): TargetProfile {
  return {
    name: input.name,
    issuers: [
      {
        issuer: input.issuer,
        algorithms: input.algorithms ?? ['RS256'],
        keySource: input.keySource,
        ...(input.jwksUri ? { jwksUri: input.jwksUri } : {}),
        audiences: [input.audience],
      },
    ],
    audiences: [input.audience],
    routes: ORDERS_ROUTES.map((r) => ({ ...r, methods: [...r.methods], ...(r.require ? { require: { ...r.require } } : {}) })),
    claimHeaders: input.claimHeaders ?? { userId: 'X-User-Id', tenantId: 'X-Tenant-Id', clientId: 'X-Client-Id', roles: 'X-Roles', scopes: 'X-Scopes' },
    rateLimits: {},
    clockSkewSeconds: input.clockSkewSeconds,
    tokenLocations: input.tokenLocations ?? ['header'],
    token: {
      // None of these gateways reads typ: every value is accepted, which is what the typ cases ask.
      types: ['JWT', 'at+jwt', 'application/at+jwt', 'id_token+jwt'],
      requireType: false,
      requireExp: true,
      rejectFutureIat: false,
      kidAbsent: 'try-all',
      requiredClaims: [],
      ...input.token,
    },
    ...(input.jwks ? { jwks: input.jwks } : {}),
    features: input.features,
  };
}

/** Every RSA algorithm: what a validator that picks the algorithm by key type accepts from an RSA JWKS. */
export const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

/** A route pattern as a path prefix (`/api/orders*`) or an exact path (`/health`). */
export function routeMatch(pattern: string): { prefix: boolean; path: string } {
  return pattern.endsWith('*') ? { prefix: true, path: pattern.slice(0, -1) } : { prefix: false, path: pattern };
}
