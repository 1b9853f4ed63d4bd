import type { GatewayConfig, IssuerConfig } from '../config.ts';
import type { KeyRecord } from '../import-jwk.ts';
import type { JwksCache } from '../jwks-cache.ts';
import type { Reason } from '../rejection.ts';
import type { RevocationLists } from './revocation-lists.ts';
import type { VerifiedToken, VerifiedTokenCache } from '../verified-token-cache.ts';

/** A configured issuer, prepared for the hot path. */
export interface CompiledIssuer {
  config: IssuerConfig;
  /** For `{tenantid}` issuers: the text around the placeholder. */
  template: { prefix: string; suffix: string } | null;
  tenants: ReadonlySet<string>;
  algorithms: ReadonlySet<string>;
  audiences: ReadonlySet<string>;
  /** The key cache for a tenant (one shared cache unless the key source itself is per tenant). */
  jwksFor(tenant: string | undefined): JwksCache;
}

export interface CompiledRequirement {
  values: readonly string[];
  claims: readonly string[];
  match: 'any' | 'all';
  separator: string;
  /** RFC 6750 `scope` attribute for a 403. */
  scope: string;
}

/** Everything the steps read that doesn't change per request. */
export interface PipelineEnv {
  config: GatewayConfig;
  issuersExact: ReadonlyMap<string, CompiledIssuer>;
  issuersTemplated: readonly CompiledIssuer[];
  /** Lower-cased `typ` values without `application/`. */
  types: ReadonlySet<string>;
  understoodCritical: ReadonlySet<string>;
  tokenCache: VerifiedTokenCache | null;
  /** Revoked users and sessions (continuous access evaluation), when `cae` is configured. */
  revocations?: RevocationLists;
  /** Builds the upstream claim headers for a verified token. */
  upstreamHeadersFor(claims: Record<string, unknown>): string[];
  /** Epoch milliseconds; injectable so tests can move time. */
  now(): number;
}

/** What the server hands the pipeline about the request. */
export interface RequestCredentials {
  method: string;
  /** Every `Authorization` header value, in order (duplicates are a 400, so Node's folding is bypassed). */
  authorization: readonly string[];
  /** Raw query string without `?`, or '' */
  query: string;
  /** application/x-www-form-urlencoded body, read only when body tokens are enabled. */
  formBody: string | null;
}

export interface PipelineContext {
  request: RequestCredentials;
  requirement: CompiledRequirement | null;
  nowMs: number;
  token: string;
  location: 'header' | 'query' | 'body' | null;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** Index of the second dot: the signing input is token[0, signingInputEnd). */
  signingInputEnd: number;
  signature: Buffer | null;
  issuer: CompiledIssuer | null;
  tenant: string | undefined;
  jwks: JwksCache | null;
  candidates: readonly KeyRecord[];
  key: KeyRecord | null;
  /** Set by the verified-token lookup on a hit, or by the store step after a full verification. */
  verified: VerifiedToken | undefined;
  cacheHit: boolean;
  /** Name of the step that rejected, for logs and tests. */
  failedStep: string | undefined;
  /** Set with `token_revoked`: what the claims challenge asks for (base64 JSON) and where to ask. */
  claimsChallenge?: { claims: string; authorizationUri?: string };
}

export type StepResult = Reason | undefined;

export interface Step {
  name: string;
  /** Skipped on a verified-token cache hit: the result can't change for the same token bytes. */
  cacheable: boolean;
  run(ctx: PipelineContext, env: PipelineEnv): StepResult | Promise<StepResult>;
}

export function createContext(request: RequestCredentials, requirement: CompiledRequirement | null, nowMs: number): PipelineContext {
  return {
    request,
    requirement,
    nowMs,
    token: '',
    location: null,
    header: EMPTY,
    payload: EMPTY,
    signingInputEnd: 0,
    signature: null,
    issuer: null,
    tenant: undefined,
    jwks: null,
    candidates: [],
    key: null,
    verified: undefined,
    cacheHit: false,
    failedStep: undefined,
  };
}

const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
