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

export const FAULT_KINDS = ['down', 'timeout', 'slow', 'garbage', 'empty-keys', 'malformed-json', 'wrong-key'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Only a key set can be empty or wrong; on the other endpoints these would be meaningless. */
export const JWKS_ONLY_FAULTS: readonly FaultKind[] = ['empty-keys', 'wrong-key'];

/** Body of `PUT /_admin/tenants/{tenant}/faults/{endpoint}`. */
export const FaultRequestSchema = z
  .strictObject({
    kind: z.enum(FAULT_KINDS),
    /** For `slow`: how long the endpoint waits before answering normally. */
    delayMs: z.number().int().min(0).max(600_000).optional(),
    /** The fault clears itself after this long; absent = until DELETE. */
    forSeconds: z.number().positive().max(86_400).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.kind === 'slow' && f.delayMs === undefined) ctx.addIssue({ code: 'custom', path: ['delayMs'], message: 'slow needs delayMs' });
    if (f.kind !== 'slow' && f.delayMs !== undefined) ctx.addIssue({ code: 'custom', path: ['delayMs'], message: 'delayMs applies to slow only' });
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
