import { z } from 'zod';
import type { Tenant } from '../tenants/tenant-schema.ts';

/**
 * Claims a token may not be given through an override. `iss` is what makes the token this tenant's:
 * gateways pick the tenant and its keys by it, so a token from the real endpoints with another issuer
 * is a forgery, which the forge's variants already make on purpose. Everything else (`aud`, `roles`,
 * `exp`, …) stays open, because a wrong audience or an odd role list is exactly what a gateway test
 * wants to see come out of a real flow. The header (`kid`, `alg`) is not a claim and cannot be reached.
 */
export const RESERVED_OVERRIDE_CLAIMS = ['iss'] as const;

/**
 * Body of `PUT /_admin/tenants/{t}/claim-overrides`: whose next tokens change (a client, by client id
 * or name, or a user, by UPN or object id), the claims to set (`null` removes a claim) and, optionally,
 * for how many tokens.
 */
export const ClaimOverrideRequestSchema = z
  .strictObject({
    client: z.string().min(1).max(200).optional(),
    user: z.string().min(1).max(320).optional(),
    claims: z.record(z.string().min(1).max(200), z.unknown()).refine((c) => Object.keys(c).length > 0, 'name at least one claim'),
    count: z.number().int().positive().max(1_000_000).optional(),
  })
  .superRefine((o, ctx) => {
    if ((o.client === undefined) === (o.user === undefined)) {
      ctx.addIssue({ code: 'custom', path: [o.client === undefined ? 'client' : 'user'], message: 'give exactly one of client (client id or name) or user (UPN or object id)' });
    }
    for (const name of RESERVED_OVERRIDE_CLAIMS) {
      if (name in o.claims) ctx.addIssue({ code: 'custom', path: ['claims', name], message: `${name} cannot be overridden: it decides which tenant and keys a token belongs to; mint a forged token for that` });
    }
  });
export type ClaimOverrideRequest = z.infer<typeof ClaimOverrideRequestSchema>;

export interface ClaimOverride {
  /** `client` or `user`, and the id tokens are matched on: the client id, or the user's object id. */
  target: 'client' | 'user';
  id: string;
  /** How the override was asked for (client name or UPN), for people reading the list. */
  name: string;
  claims: Record<string, unknown>;
  /** Tokens still to be changed; absent: every token until cleared. */
  remaining?: number;
  createdAt: string;
}

export interface ClaimOverrideCheckpoint {
  readonly entries: readonly ClaimOverride[];
}

/** Resolves what a request names to the id tokens carry, or undefined when the tenant has no such client or user. */
export function resolveTarget(tenant: Tenant, request: ClaimOverrideRequest): { target: 'client' | 'user'; id: string; name: string } | undefined {
  if (request.client !== undefined) {
    const want = request.client.toLowerCase();
    const found =
      tenant.clients.find((c) => c.clientId === want || c.name === want) ??
      tenant.managedIdentities.find((m) => m.clientId === want || m.name === want);
    return found && { target: 'client', id: found.clientId, name: found.name };
  }
  const want = request.user!.toLowerCase();
  const user = tenant.users.find((u) => u.upn.toLowerCase() === want || u.oid === want);
  return user && { target: 'user', id: user.oid, name: user.upn };
}

/**
 * One tenant's claim overrides: extra or changed claims for the next access tokens a client or a user
 * gets from the real token endpoints, so a test reaches a custom claim through the flow its gateway
 * will see in production rather than through the forge. One override per client and per user; setting
 * one again replaces it.
 */
export class ClaimOverrides {
  #byKey = new Map<string, ClaimOverride>();

  set(target: { target: 'client' | 'user'; id: string; name: string }, claims: Record<string, unknown>, count?: number): ClaimOverride {
    const entry: ClaimOverride = { ...target, claims, ...(count !== undefined ? { remaining: count } : {}), createdAt: new Date().toISOString() };
    this.#byKey.set(`${target.target}:${target.id}`, entry);
    return entry;
  }

  list(): ClaimOverride[] {
    return [...this.#byKey.values()].map((e) => ({ ...e }));
  }

  clear(): number {
    const n = this.#byKey.size;
    this.#byKey.clear();
    return n;
  }

  /**
   * Applies the overrides for the token's client and user to `payload` (the client's first, so the
   * user's win where both set a claim) and counts the token against each. `null` removes a claim.
   */
  apply(payload: Record<string, unknown>, who: { clientId: string; userOid?: string }): Record<string, unknown> {
    const keys = [`client:${who.clientId}`, ...(who.userOid ? [`user:${who.userOid}`] : [])];
    let out = payload;
    for (const key of keys) {
      const entry = this.#byKey.get(key);
      if (!entry) continue;
      out = { ...out };
      for (const [name, value] of Object.entries(entry.claims)) {
        if (value === null) delete out[name];
        else out[name] = value;
      }
      if (entry.remaining !== undefined) {
        entry.remaining -= 1;
        if (entry.remaining <= 0) this.#byKey.delete(key);
      }
    }
    return out;
  }

  checkpoint(): ClaimOverrideCheckpoint {
    return { entries: this.list() };
  }

  restore(checkpoint: ClaimOverrideCheckpoint): void {
    this.#byKey = new Map(checkpoint.entries.map((e) => [`${e.target}:${e.id}`, { ...e }]));
  }
}
