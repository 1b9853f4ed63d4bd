import { randomUUID } from 'node:crypto';
import type { RevocationCheckpoint } from '../cae/revocations.ts';
import type { ClaimOverrideCheckpoint } from './claim-overrides.ts';
import type { KeyCheckpoint } from '../keys/key-store.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import type { FaultTable } from './control-state.ts';
import type { Fault } from './fault-schema.ts';

/** A checkpoint nobody restores should not pin old keys in memory forever; the oldest go first. */
export const MAX_CHECKPOINTS_PER_TENANT = 16;

interface Checkpoint {
  id: string;
  tenantId: string;
  createdAt: Date;
  keys: KeyCheckpoint;
  clockOffsetSeconds: number;
  faults: Fault[];
  revocations: RevocationCheckpoint;
  claimOverrides: ClaimOverrideCheckpoint;
}

/** What the control API says about a checkpoint: kids and states, never a key's private half. */
export interface CheckpointSummary {
  checkpoint: string;
  tenant: string;
  tenantId: string;
  createdAt: string;
  keys: { kid: string; state: string }[];
  offsetSeconds: number;
  faults: string[];
  /** Revoked users (UPN) and sessions (sid). */
  revocations: string[];
  /** Claim overrides, as `client:{client id}` or `user:{oid}`. */
  claimOverrides: string[];
}

/**
 * Server-side checkpoints of what a test run changes on a tenant: its signing keys (which keys, in
 * which order and states), its clock offset, its faults, its revoked users and sessions and its claim overrides. A run against a mock someone else started
 * takes one before its cases and restores it afterwards, so rotations, added keys, clock shifts,
 * faults and revocations do not outlive the run. The keys never leave this process: callers get an id.
 */
export class TenantCheckpoints {
  #byId = new Map<string, Checkpoint>();
  #faults: FaultTable;

  constructor(faults: FaultTable) {
    this.#faults = faults;
  }

  take(rt: TenantRuntime): CheckpointSummary {
    const checkpoint: Checkpoint = {
      id: randomUUID(),
      tenantId: rt.tenant.id,
      createdAt: new Date(),
      keys: rt.keys.checkpoint(),
      clockOffsetSeconds: rt.clockOffsetSeconds,
      faults: this.#faults.ofTenant(rt.tenant.id),
      revocations: rt.revocations.checkpoint(),
      claimOverrides: rt.claimOverrides.checkpoint(),
    };
    this.#byId.set(checkpoint.id, checkpoint);
    const own = [...this.#byId.values()].filter((c) => c.tenantId === rt.tenant.id);
    for (const old of own.slice(0, Math.max(0, own.length - MAX_CHECKPOINTS_PER_TENANT))) this.#byId.delete(old.id);
    return summary(rt, checkpoint);
  }

  /** Puts the tenant back as the checkpoint found it; undefined when the id is unknown (or another tenant's). The checkpoint stays usable. */
  restore(rt: TenantRuntime, id: string): CheckpointSummary | undefined {
    const checkpoint = this.#own(rt, id);
    if (!checkpoint) return undefined;
    rt.keys.restore(checkpoint.keys);
    rt.clockOffsetSeconds = checkpoint.clockOffsetSeconds;
    this.#faults.replace(rt.tenant.id, checkpoint.faults);
    rt.revocations.restore(checkpoint.revocations);
    rt.claimOverrides.restore(checkpoint.claimOverrides);
    return summary(rt, checkpoint);
  }

  /** Forgets a checkpoint; false when there was none with that id for this tenant. */
  release(rt: TenantRuntime, id: string): boolean {
    return this.#own(rt, id) !== undefined && this.#byId.delete(id);
  }

  #own(rt: TenantRuntime, id: string): Checkpoint | undefined {
    const checkpoint = this.#byId.get(id);
    return checkpoint?.tenantId === rt.tenant.id ? checkpoint : undefined;
  }
}

function summary(rt: TenantRuntime, c: Checkpoint): CheckpointSummary {
  return {
    checkpoint: c.id,
    tenant: rt.tenant.name,
    tenantId: c.tenantId,
    createdAt: c.createdAt.toISOString(),
    keys: c.keys.keys.map(({ key, state }) => ({ kid: key.kid, state })),
    offsetSeconds: c.clockOffsetSeconds,
    faults: c.faults.map((f) => f.endpoint),
    revocations: c.revocations.entries.map((r) => r.upn ?? r.oid ?? r.sid!),
    claimOverrides: c.claimOverrides.entries.map((o) => `${o.target}:${o.id}`),
  };
}
