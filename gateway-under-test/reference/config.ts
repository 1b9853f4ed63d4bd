import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { fileProblem } from '../file-problem.ts';
import { claimHeadersSchema } from '../target-profile-schema.ts';
import { GatecheckError } from '../../errors/index.ts';

/**
 * The reference gateway's configuration: the one documented source of its settings and defaults.
 * Every object is strict so a misspelt key is an error naming that key, not a silently ignored option.
 */

/** Signature algorithms the gateway can verify. `none` and HMAC are deliberately absent (RFC 8725 §3.1). */
export const SUPPORTED_ALGORITHMS = [
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA',
] as const;
export type Algorithm = (typeof SUPPORTED_ALGORITHMS)[number];

/** Verified claims a rate limit may be keyed on: never anything unverified (catalogue section G, rate limiting). */
export const IDENTITY_CLAIMS = ['iss', 'tid', 'sub', 'oid', 'azp', 'appid', 'client_id'] as const;
/** Rate-limit key parts: verified identity claims, or the caller's address (APIM `context.Request.IpAddress`). */
export const RATE_LIMIT_KEYS = [...IDENTITY_CLAIMS, 'client_ip'] as const;

/**
 * `issuer: '*'` trusts the issuer's keys for any `iss` (or none): what APIM `issuer-signing-keys`
 * without `<issuers>` and Apigee VerifyJWT without `<Issuer>` do. Only policy emulation should use it.
 */
export const ANY_ISSUER = '*';
/** In `tenants`: any tenant of a `{tenantid}` issuer (APIM openid-config on `common`/`organizations` without `<issuers>`). */
export const ANY_TENANT = '*';

const TENANT_PLACEHOLDER = '{tenantid}';

const httpUrl = z
  .string()
  .refine((s) => /^https?:\/\//i.test(s) && URL.canParse(s.replaceAll(TENANT_PLACEHOLDER, 't')), 'expected an http(s) URL');

const issuerSchema = z
  .strictObject({
    /** Exact `iss` value; Entra's multi-tenant form carries `{tenantid}`. */
    issuer: z.string().min(1),
    /** Tenant allow-list, required when `issuer` has `{tenantid}`. */
    tenants: z.array(z.string().min(1)).min(1).optional(),
    /** OIDC discovery document; its `issuer` must equal `issuer` (RFC 8414 §3.3). May carry `{tenantid}`. */
    discoveryUrl: httpUrl.optional(),
    /** JWKS URL; may carry `{tenantid}`. */
    jwksUri: httpUrl.optional(),
    /** Static public JWKs (no fetching). */
    keys: z.array(z.record(z.string(), z.unknown())).min(1).optional(),
    /** Per-issuer algorithm allow-list, checked before any key lookup. */
    algorithms: z.array(z.enum(SUPPORTED_ALGORITHMS)).min(1).default(['RS256']),
    /** Overrides the top-level audiences for tokens of this issuer. */
    audiences: z.array(z.string().min(1)).min(1).optional(),
  })
  .superRefine((v, ctx) => {
    const sources = [v.discoveryUrl, v.jwksUri, v.keys].filter((s) => s !== undefined).length;
    if (sources !== 1) {
      ctx.addIssue({ code: 'custom', path: ['discoveryUrl'], message: 'give exactly one of discoveryUrl, jwksUri, keys' });
    }
    const templated = v.issuer.includes(TENANT_PLACEHOLDER);
    if (templated && !v.tenants) {
      ctx.addIssue({ code: 'custom', path: ['tenants'], message: `required when issuer contains ${TENANT_PLACEHOLDER}` });
    }
    if (!templated && v.tenants) {
      ctx.addIssue({ code: 'custom', path: ['tenants'], message: `only allowed when issuer contains ${TENANT_PLACEHOLDER}` });
    }
    // Per-tenant key caches are made for the listed tenants at start-up; "any tenant" has no list, so
    // its keys must come from one source for all tenants (Entra `common`), or no token could ever verify.
    if (v.tenants?.includes(ANY_TENANT) && [v.discoveryUrl, v.jwksUri].some((u) => u?.includes(TENANT_PLACEHOLDER))) {
      ctx.addIssue({ code: 'custom', path: ['tenants'], message: `"${ANY_TENANT}" needs a key source shared by all tenants: a discoveryUrl or jwksUri without ${TENANT_PLACEHOLDER}` });
    }
    if (v.issuer.split(TENANT_PLACEHOLDER).length > 2) {
      ctx.addIssue({ code: 'custom', path: ['issuer'], message: `at most one ${TENANT_PLACEHOLDER}` });
    }
  });

const requirementSchema = z.strictObject({
  /** Values the caller must hold. */
  values: z.array(z.string().min(1)).min(1),
  /** Claims searched for the values: Entra puts app permissions in `roles`, delegated ones in `scp`. */
  claims: z.array(z.string().min(1)).min(1).default(['roles', 'scp']),
  match: z.enum(['any', 'all']).default('any'),
  /** Splits string-valued claims (`scp` is space-delimited); array claims are never split. */
  separator: z.string().min(1).default(' '),
});

const routeSchema = z.strictObject({
  /** Exact path, or a prefix ending in `*`. Matched after dot-segment normalisation. */
  path: z.string().startsWith('/'),
  methods: z.array(z.string().regex(/^[A-Z]+$|^\*$/, 'upper-case method or *')).min(1).default(['*']),
  /** Anonymous routes are explicit: no silent bypass. */
  auth: z.enum(['required', 'anonymous']).default('required'),
  require: requirementSchema.optional(),
  forwardAuthorization: z.boolean().default(false),
  /** APIM-style product whose subscription key this route requires. */
  product: z.string().min(1).optional(),
  rateLimit: z.string().min(1).optional(),
  /** Replace the caller's token with one the gateway obtains for the upstream. */
  backendCredentials: z.boolean().default(false),
});

const rateLimitSchema = z.strictObject({
  key: z.array(z.enum(RATE_LIMIT_KEYS)).min(1).default(['tid', 'sub']),
  limit: z.number().int().positive(),
  windowSeconds: z.number().positive().max(86_400),
});

/**
 * The host's managed identity as the gateway's backend credential: App Service's local token service
 * (`IDENTITY_ENDPOINT`, `X-IDENTITY-HEADER`, api-version 2019-08-01) or a VM's metadata service (IMDS,
 * `Metadata: true`, api-version 2018-02-01). No id: the system-assigned identity.
 */
const managedIdentitySchema = z
  .strictObject({
    source: z.enum(['app-service', 'imds']),
    /**
     * The token service's URL. Default: `$IDENTITY_ENDPOINT` for app-service; for imds
     * `$AZURE_POD_IDENTITY_AUTHORITY_HOST/metadata/identity/oauth2/token`, else the metadata service's own address.
     */
    endpoint: httpUrl.optional(),
    /** app-service only: the `X-IDENTITY-HEADER` value. Default: `$IDENTITY_HEADER`. */
    identityHeader: z.string().min(1).optional(),
    /** A user-assigned identity by client id, principal (object) id or Azure resource id: at most one. */
    clientId: z.string().min(1).optional(),
    principalId: z.string().min(1).optional(),
    resourceId: z.string().min(1).optional(),
  })
  .superRefine((m, ctx) => {
    if ([m.clientId, m.principalId, m.resourceId].filter((v) => v !== undefined).length > 1) {
      ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'name the identity by one of clientId, principalId, resourceId' });
    }
    if (m.source === 'imds' && m.identityHeader !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['identityHeader'], message: 'identityHeader applies to source app-service only' });
    }
  });

const listenSchema = (port: number) =>
  z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65_535).default(port) });

export const gatewayConfigSchema = z
  .strictObject({
    listen: listenSchema(8080).prefault({}),
    /** `/metrics` lives here, never on the public port. `false` disables it. */
    admin: z.union([listenSchema(9464), z.literal(false)]).prefault({}),
    /** Processes serving the public port (node:cluster). Rate-limit counters are per process. */
    workers: z.number().int().min(1).max(64).default(1),
    realm: z.string().regex(/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/, 'printable ASCII without " or \\').default('gatecheck'),
    issuers: z.array(issuerSchema).min(1),
    /** At least one unless `token.checkAudience` is off (policy emulation only). */
    audiences: z.array(z.string().min(1)).default([]),
    token: z
      .strictObject({
        locations: z
          .strictObject({
            header: z.boolean().default(true),
            query: z.boolean().default(false),
            body: z.boolean().default(false),
            /** Header carrying the token (APIM `header-name`); any other than Authorization holds the bare token. */
            headerName: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name').default('Authorization'),
            /**
             * On Authorization: `bearer` needs the scheme (RFC 6750 §2.1, APIM `require-scheme="Bearer"`);
             * `bearer-optional` also takes the bare token (APIM without `require-scheme`).
             */
            scheme: z.enum(['bearer', 'bearer-optional']).default('bearer'),
            /** Query parameter carrying the token when `query` is on (APIM `query-parameter-name`). */
            queryParameter: z.string().min(1).default('access_token'),
          })
          .prefault({}),
        maxTokenBytes: z.number().int().positive().default(8192),
        /** Accepted `typ` values, compared case-insensitively with an optional `application/` prefix (RFC 7515 §4.1.9). */
        types: z.array(z.string().min(1)).min(1).default(['JWT', 'at+jwt']),
        requireType: z.boolean().default(false),
        requireExp: z.boolean().default(true),
        clockSkewSeconds: z.number().min(0).max(600).default(0),
        rejectFutureIat: z.boolean().default(true),
        maxLifetimeSeconds: z.number().positive().optional(),
        /** No `kid` and several keys: reject, or try each key allowed for the algorithm. */
        kidAbsent: z.enum(['reject', 'try-all']).default('reject'),
        requiredClaims: z.array(z.string().min(1)).default([]),
        /** Claim values every token must hold, failing as invalid_token (APIM `required-claims`, Apigee `AdditionalClaims`), not as a route's 403. */
        claimValues: z.array(requirementSchema).default([]),
        /** Off only to emulate policies that don't check `aud` (APIM without `<audiences>`, Apigee without `<Audience>`). */
        checkAudience: z.boolean().default(true),
        /** Replaces the 401 of missing and invalid tokens (APIM `failed-validation-httpcode`). */
        failureStatus: z.number().int().min(400).max(599).optional(),
        /** `crit` names this gateway understands; any other is rejected (RFC 7515 §4.1.11). */
        understoodCritical: z.array(z.string().min(1)).default([]),
        /** Tokens with `cnf` are sender-constrained (RFC 9449, RFC 8705) and can't be honoured as plain bearer tokens. */
        rejectSenderConstrained: z.boolean().default(true),
      })
      .prefault({}),
    jwks: z
      .strictObject({
        refreshSeconds: z.number().positive().default(3600),
        unknownKidCooldownSeconds: z.number().min(0).default(300),
        staleIfErrorSeconds: z.number().min(0).default(86_400),
        failedRetrySeconds: z.number().positive().default(30),
        timeoutMs: z.number().int().positive().default(5000),
        maxBytes: z.number().int().positive().default(1_048_576),
        maxKeys: z.number().int().positive().default(100),
        minRsaBits: z.number().int().min(1024).default(2048),
        /**
         * PEM file of CA certificates trusted for discovery and JWKS fetches besides the system roots
         * (mod_auth_openidc `OIDCCABundlePath`): a private IdP's CA. Certificate and host-name checks
         * stay on; there is deliberately no switch to turn them off.
         */
        caFile: z.string().min(1).optional(),
      })
      .prefault({}),
    tokenCache: z
      .strictObject({
        enabled: z.boolean().default(true),
        maxEntries: z.number().int().min(0).default(50_000),
        maxBytes: z.number().int().min(0).default(64 * 1024 * 1024),
        /**
         * Store a token on its second verification, not its first: a token sent once (a new caller, a
         * refreshed token) then costs no cache entry. Off: every verified token is stored.
         */
        admitOnSecondSighting: z.boolean().default(true),
        /** Cap for tokens without `exp` (only when `requireExp` is off). */
        maxTtlSeconds: z.number().positive().default(300),
      })
      .prefault({}),
    claimHeaders: claimHeadersSchema,
    routes: z.array(routeSchema).min(1),
    upstream: z.strictObject({
      url: httpUrl,
      connections: z.number().int().positive().default(128),
      connectTimeoutMs: z.number().int().positive().default(5000),
      headersTimeoutMs: z.number().int().positive().default(30_000),
      bodyTimeoutMs: z.number().int().positive().default(30_000),
      keepAliveTimeoutMs: z.number().int().positive().default(10_000),
      /**
       * Body-less requests to an http: upstream go through gatecheck's own keep-alive client instead of
       * undici (a fifth of a proxied request's CPU); bodies and https: always use undici. Off: undici only.
       */
      fastClient: z.boolean().default(true),
    }),
    rateLimits: z.record(z.string(), rateLimitSchema).default({}),
    /** Failed or missing authentication per client address; stops floods before any token work. */
    unauthenticatedLimit: z
      .strictObject({ limit: z.number().int().positive(), windowSeconds: z.number().positive().max(86_400) })
      .optional(),
    subscriptions: z
      .strictObject({
        header: z.string().default('Ocp-Apim-Subscription-Key'),
        query: z.string().default('subscription-key'),
        products: z.array(z.strictObject({ name: z.string().min(1), keys: z.array(z.string().min(16)).min(1) })).min(1),
      })
      .optional(),
    backendCredentials: z
      .strictObject({
        /** Client credentials grant (RFC 6749 §4.4): the token endpoint and this gateway's client. */
        tokenEndpoint: httpUrl.optional(),
        clientId: z.string().min(1).optional(),
        clientSecret: z.string().min(1).optional(),
        /** `{App ID URI}/.default` of the upstream's API; a managed identity asks for the App ID URI before `/.default`. */
        scope: z.string().min(1),
        refreshBeforeExpirySeconds: z.number().min(0).default(120),
        /** Instead of client credentials: the managed identity of the host the gateway runs on. */
        managedIdentity: managedIdentitySchema.optional(),
      })
      .superRefine((b, ctx) => {
        const cc = [b.tokenEndpoint, b.clientId, b.clientSecret].filter((v) => v !== undefined).length;
        if (b.managedIdentity && cc > 0) {
          ctx.addIssue({ code: 'custom', path: ['managedIdentity'], message: 'give managedIdentity or tokenEndpoint, clientId and clientSecret, not both' });
        } else if (!b.managedIdentity && cc !== 3) {
          ctx.addIssue({ code: 'custom', path: [b.tokenEndpoint === undefined ? 'tokenEndpoint' : b.clientId === undefined ? 'clientId' : 'clientSecret'], message: 'client credentials need tokenEndpoint, clientId and clientSecret (or give managedIdentity)' });
        }
      })
      .optional(),
    /**
     * Continuous access evaluation: revoked users and sessions, from revocation lists polled like a
     * JWKS (the gatecheck mock publishes them at `/_cae/{tenant}/revocations`; Entra has no such API).
     * A CAE-capable token (`xms_cc` holding `cp1`) of a revoked user or session is refused with a claims
     * challenge (401 `insufficient_claims`), before its `exp`.
     */
    cae: z
      .strictObject({
        revocationLists: z.array(httpUrl).min(1),
        /** Longest time between two polls of a list; a shorter `Cache-Control: max-age` on the list wins. */
        refreshSeconds: z.number().positive().max(3600).default(30),
        timeoutMs: z.number().int().positive().default(5000),
        maxBytes: z.number().int().positive().default(1_048_576),
      })
      .optional(),
    /** `X-Gatecheck-Reason` on responses: for conformance runs only, never for untrusted clients. */
    exposeReason: z.boolean().default(false),
    maxHeaderBytes: z.number().int().min(1024).default(16_384),
    /**
     * Slow or stalled clients (slowloris): the request head must arrive within `headersTimeoutMs` and the
     * whole request within `requestTimeoutMs` (0 = no limit), else 408 and the connection closes; Node
     * checks every `checkIntervalMs`. Node's own defaults (60 s, checked every 30 s) let a held-open
     * partial request keep its socket for up to 90 s.
     */
    http: z
      .strictObject({
        headersTimeoutMs: z.number().int().positive().default(20_000),
        requestTimeoutMs: z.number().int().min(0).default(300_000),
        checkIntervalMs: z.number().int().positive().default(1_000),
        /** An idle client connection is closed after this long (either front). */
        keepAliveTimeoutMs: z.number().int().positive().default(65_000),
        /**
         * Plain body-less HTTP/1.1 requests parsed and answered without node:http's streams (a third of the
         * CPU per proxied request); anything else is still node:http's. Off: node:http serves everything.
         */
        fastFront: z.boolean().default(true),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        accessLog: z.boolean().default(true),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.http.requestTimeoutMs !== 0 && cfg.http.headersTimeoutMs > cfg.http.requestTimeoutMs) {
      ctx.addIssue({ code: 'custom', path: ['http', 'headersTimeoutMs'], message: 'must not exceed http.requestTimeoutMs' });
    }
    if (cfg.token.checkAudience && cfg.audiences.length === 0 && cfg.issuers.some((i) => !i.audiences)) {
      ctx.addIssue({ code: 'custom', path: ['audiences'], message: 'at least one audience (or token.checkAudience: false)' });
    }
    cfg.routes.forEach((route, i) => {
      if (route.rateLimit && !cfg.rateLimits[route.rateLimit]) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'rateLimit'], message: `no rate limit named "${route.rateLimit}"` });
      }
      if (route.product && !cfg.subscriptions?.products.some((p) => p.name === route.product)) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'product'], message: `no subscription product named "${route.product}"` });
      }
      if (route.backendCredentials && !cfg.backendCredentials) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'backendCredentials'], message: 'needs top-level backendCredentials' });
      }
      if (route.auth === 'anonymous' && route.require) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'require'], message: 'an anonymous route cannot require roles or scopes' });
      }
    });
  });

export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type IssuerConfig = GatewayConfig['issuers'][number];
export type RouteConfig = GatewayConfig['routes'][number];
export type RequirementConfig = NonNullable<RouteConfig['require']>;

export class GatewayConfigError extends GatecheckError {
  readonly key: string;
  constructor(key: string, message: string) {
    super('ERR_GATEWAY_CONFIG', key ? `config ${key}: ${message}` : `config: ${message}`);
    this.key = key;
  }
}

/** Validates and fills defaults; throws one GatewayConfigError naming the first offending key. */
export function parseGatewayConfig(input: unknown): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  let key = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    key = [...issue.path.map(String), issue.keys[0]].join('.');
    message = 'unknown key';
  }
  throw new GatewayConfigError(key, message);
}

/** Reads YAML or JSON (by extension; anything else is tried as YAML, a JSON superset). */
export async function loadGatewayConfig(file: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new GatewayConfigError('', `cannot read ${file}: ${fileProblem(file, err)}; give the path of a YAML or JSON reference-gateway config`);
  }
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new GatewayConfigError('', `${file} is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseGatewayConfig(data);
}

export { TENANT_PLACEHOLDER };
