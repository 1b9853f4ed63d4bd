/**
 * One tenant's revoked users and sign-in sessions, for continuous access evaluation (CAE). Entra's
 * "revoke sign-in sessions" invalidates what a user was issued before that moment; resource providers
 * that speak CAE learn of it as a critical event and refuse the user's CAE-capable tokens (`xms_cc`
 * holding `cp1`) before `exp` (Entra concept-continuous-access-evaluation.md). Each entry here says:
 * a token of this user (`oid`) or session (`sid`) issued before `notBefore` is revoked.
 */
export interface Revocation {
  /** The user's object id, for a user's revocation. */
  oid?: string;
  /** The user's sign-in name, shown to people; the `oid` is what tokens are matched on. */
  upn?: string;
  /** The session id (`sid` claim), for one session's revocation. */
  sid?: string;
  /**
   * Seconds since the epoch on the tenant's clock: tokens with an earlier `iat` are revoked. It is the
   * second after the revocation, so a token issued in the same second as the revocation, before it,
   * is revoked too; one issued after it satisfies a claims challenge naming this value.
   */
  notBefore: number;
  /** When the revocation was made (wall clock, ISO). */
  revokedAt: string;
}

export interface RevocationCheckpoint {
  readonly entries: readonly Revocation[];
}

export class Revocations {
  #byKey = new Map<string, Revocation>();
  #version = 0;

  /** Changes on every mutation: the revocation list's ETag. */
  get version(): number {
    return this.#version;
  }

  /** Revokes everything the user was issued until now (`now`: the tenant's clock, seconds). */
  revokeUser(user: { oid: string; upn: string }, now: number): Revocation {
    return this.#put(`oid:${user.oid}`, { oid: user.oid, upn: user.upn, notBefore: now + 1, revokedAt: new Date().toISOString() });
  }

  revokeSession(sid: string, now: number): Revocation {
    return this.#put(`sid:${sid}`, { sid, notBefore: now + 1, revokedAt: new Date().toISOString() });
  }

  /** The earliest `iat` the user's tokens may carry, if the user was revoked. */
  userNotBefore(oid: string): number | undefined {
    return this.#byKey.get(`oid:${oid}`)?.notBefore;
  }

  list(): Revocation[] {
    return [...this.#byKey.values()];
  }

  /** Forgets every revocation; returns how many there were. */
  clear(): number {
    const n = this.#byKey.size;
    if (n) {
      this.#byKey.clear();
      this.#version++;
    }
    return n;
  }

  checkpoint(): RevocationCheckpoint {
    return { entries: this.list().map((r) => ({ ...r })) };
  }

  restore(checkpoint: RevocationCheckpoint): void {
    this.#byKey = new Map(checkpoint.entries.map((r) => [r.oid ? `oid:${r.oid}` : `sid:${r.sid}`, { ...r }]));
    this.#version++;
  }

  #put(key: string, entry: Revocation): Revocation {
    // A second revocation never moves the boundary back: what the first revoked stays revoked.
    const earlier = this.#byKey.get(key);
    const kept = earlier && earlier.notBefore > entry.notBefore ? { ...entry, notBefore: earlier.notBefore } : entry;
    this.#byKey.set(key, kept);
    this.#version++;
    return kept;
  }
}
