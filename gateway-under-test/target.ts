/**
 * What a gateway under test is configured to enforce, so the suite can compute expectations
 * (DESIGN.md "A target profile"), and the handle every target start gives back.
 */

export interface ProfileRequirement {
  values: string[];
  claims: string[];
  match: 'any' | 'all';
  separator: string;
}

export interface ProfileRoute {
  path: string;
  methods: string[];
  auth: 'required' | 'anonymous';
  require?: ProfileRequirement;
  forwardAuthorization: boolean;
  product?: string;
  rateLimit?: string;
}

export interface ProfileIssuer {
  issuer: string;
  tenants?: string[];
  algorithms: string[];
  keySource: 'discovery' | 'jwks' | 'static';
  discoveryUrl?: string;
  jwksUri?: string;
  audiences: string[];
}

export interface TargetProfile {
  name: string;
  issuers: ProfileIssuer[];
  audiences: string[];
  routes: ProfileRoute[];
  claimHeaders: { userId: string; tenantId: string; clientId: string; roles: string; scopes: string };
  rateLimits: Record<string, { key: string[]; limit: number; windowSeconds: number }>;
  clockSkewSeconds: number;
  tokenLocations: ('header' | 'query' | 'body')[];
  token: {
    types: string[];
    requireType: boolean;
    requireExp: boolean;
    rejectFutureIat: boolean;
    maxLifetimeSeconds?: number;
    kidAbsent: 'reject' | 'try-all';
    requiredClaims: string[];
    /** Claim values every token must hold; failing them is a token fault (APIM/Apigee), not a route's 403. */
    claimValues?: ProfileRequirement[];
    /** false: `aud` is not checked at all (emulated policies without audiences). */
    checkAudience?: boolean;
    /** Status for missing and invalid tokens when not 401 (APIM failed-validation-httpcode). */
    failureStatus?: number;
    /** Where the token is read when not `Authorization: Bearer` / `access_token`. */
    headerName?: string;
    scheme?: 'bearer' | 'bearer-optional';
    queryParameter?: string;
  };
  jwks?: { refreshSeconds: number; unknownKidCooldownSeconds: number; staleIfErrorSeconds: number };
  /** Capabilities the suite may rely on; cases needing a missing one are skipped with a reason. */
  features: string[];
}

export interface StartedTarget {
  baseUrl: string;
  profile: TargetProfile;
  stop(): Promise<void>;
}

export interface Target {
  name: string;
  start(profile?: TargetProfile): Promise<StartedTarget>;
}
