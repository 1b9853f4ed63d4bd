import { z } from 'zod';

export const ENDPOINTS = ['discovery', 'jwks', 'token'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];
export const EndpointSchema = z.enum(ENDPOINTS);

/**
 * What the request log counts: the IdP's endpoints, plus the attacker's listener under /_attacker, where
 * jku and x5u injection cases point, so "the gateway never fetched it" is a count, not a guess.
 */
export const LOGGED_ENDPOINTS = [...ENDPOINTS, 'attacker'] as const;
export type LoggedEndpoint = (typeof LOGGED_ENDPOINTS)[number];
export const LoggedEndpointSchema = z.enum(LOGGED_ENDPOINTS);

export const FAULT_KINDS = ['down', 'timeout', 'slow', 'garbage', 'empty-keys', 'malformed-json', 'wrong-key', 'huge', 'rewrite'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Only a key set can be empty, wrong or huge; on the other endpoints these would be meaningless. */
export const JWKS_ONLY_FAULTS: readonly FaultKind[] = ['empty-keys', 'wrong-key', 'huge'];
/** Only a discovery document has an issuer and a jwks_uri to rewrite. */
export const DISCOVERY_ONLY_FAULTS: readonly FaultKind[] = ['rewrite'];

/** Certificates the mock's extra TLS listeners can present (see control/tls-fault-listeners.ts). */
export const TLS_FAULT_CERTIFICATES = ['self-signed', 'wrong-host'] as const;
export type TlsFaultCertificate = (typeof TLS_FAULT_CERTIFICATES)[number];

/** Default size of the `huge` key set: the catalogue's recipe (H13) is 10 MB or 10 000 keys. */
export const HUGE_JWKS_DEFAULT_KEYS = 10_000;

/** Body of `PUT /_admin/tenants/{tenant}/faults/{endpoint}`. */
export const FaultRequestSchema = z
  .strictObject({
    kind: z.enum(FAULT_KINDS),
    /** For `slow`: how long the endpoint waits before answering normally. */
    delayMs: z.number().int().min(0).max(600_000).optional(),
    /** The fault clears itself after this long; absent = until DELETE. */
    forSeconds: z.number().positive().max(86_400).optional(),
    /** For `huge`: filler keys appended after the genuine ones (about 1.5 kB each). */
    keys: z.number().int().min(1).max(50_000).optional(),
    /** For `rewrite`: the `issuer` the discovery document announces instead of the tenant's. */
    issuer: z.string().min(1).max(2000).optional(),
    /**
     * For `rewrite`: the `jwks_uri` it announces: an absolute http(s) URL, or a path resolved against
     * the mock's own URL; `{tenant}` becomes the tenant's id (`/_moved/{tenant}/discovery/v2.0/keys`,
     * `/_attacker/{tenant}/jwks.json`).
     */
    jwksUri: z.string().min(1).max(2000).refine((u) => u.startsWith('/') || /^https?:\/\//i.test(u), 'an http(s) URL or a path starting with /').optional(),
    /** For `rewrite`: `jwks_uri` keeps its path but moves to a TLS listener of the mock presenting this certificate. */
    jwksTls: z.enum(TLS_FAULT_CERTIFICATES).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.kind === 'slow' && f.delayMs === undefined) ctx.addIssue({ code: 'custom', path: ['delayMs'], message: 'slow needs delayMs' });
    if (f.kind !== 'slow' && f.delayMs !== undefined) ctx.addIssue({ code: 'custom', path: ['delayMs'], message: 'delayMs applies to slow only' });
    if (f.kind !== 'huge' && f.keys !== undefined) ctx.addIssue({ code: 'custom', path: ['keys'], message: 'keys applies to huge only' });
    for (const field of ['issuer', 'jwksUri', 'jwksTls'] as const) {
      if (f.kind !== 'rewrite' && f[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `${field} applies to rewrite only` });
    }
    if (f.kind === 'rewrite' && f.issuer === undefined && f.jwksUri === undefined && f.jwksTls === undefined) {
      ctx.addIssue({ code: 'custom', path: ['issuer'], message: 'rewrite needs issuer, jwksUri or jwksTls' });
    }
    if (f.jwksUri !== undefined && f.jwksTls !== undefined) ctx.addIssue({ code: 'custom', path: ['jwksTls'], message: 'give jwksUri or jwksTls, not both' });
  });
export type FaultRequest = z.infer<typeof FaultRequestSchema>;

export interface Fault extends FaultRequest {
  tenant: string;
  tenantId: string;
  endpoint: Endpoint;
  /** ISO times, so the listing is readable as is. */
  since: string;
  until?: string;
}
