import type { ServerResponse } from 'node:http';
import type { Endpoint, Fault, FaultRequest, LoggedEndpoint } from './fault-schema.ts';
import { TenantCheckpoints } from './tenant-checkpoints.ts';

export interface RecordedRequest {
  tenant: string;
  tenantId: string;
  endpoint: LoggedEndpoint;
  method: string;
  path: string;
  /** Milliseconds since the epoch (wall clock, not the tenant's shifted clock). */
  at: number;
}

/** Oldest entries go first: a load test against the mock must not grow it without bound. */
const MAX_RECORDED = 100_000;

/** Discovery, JWKS and token requests as the mock saw them, so a suite can count refetches exactly. */
export class RequestLog {
  #entries: RecordedRequest[] = [];

  record(entry: RecordedRequest): void {
    this.#entries.push(entry);
    if (this.#entries.length > MAX_RECORDED) this.#entries.splice(0, this.#entries.length - MAX_RECORDED);
  }

  /** `tenant` matches the tenant's name or GUID. */
  list(filter: { tenant?: string; endpoint?: LoggedEndpoint } = {}): RecordedRequest[] {
    return this.#entries.filter(
      (e) =>
        (!filter.tenant || e.tenant === filter.tenant || e.tenantId === filter.tenant) &&
        (!filter.endpoint || e.endpoint === filter.endpoint),
    );
  }

  count(filter: { tenant?: string; endpoint?: LoggedEndpoint } = {}): number {
    return this.list(filter).length;
  }

  clear(): void {
    this.#entries = [];
  }
}

/** Active faults per tenant and endpoint; expired ones vanish on read, so no timer is needed for them. */
export class FaultTable {
  #faults = new Map<string, Fault>();
  #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  set(tenant: { name: string; id: string }, endpoint: Endpoint, request: FaultRequest): Fault {
    const since = this.#now();
    const fault: Fault = {
      ...request,
      tenant: tenant.name,
      tenantId: tenant.id,
      endpoint,
      since: new Date(since).toISOString(),
      ...(request.forSeconds ? { until: new Date(since + request.forSeconds * 1000).toISOString() } : {}),
    };
    this.#faults.set(`${tenant.id} ${endpoint}`, fault);
    return fault;
  }

  get(tenantId: string, endpoint: Endpoint): Fault | undefined {
    const key = `${tenantId} ${endpoint}`;
    const fault = this.#faults.get(key);
    if (fault?.until && Date.parse(fault.until) <= this.#now()) {
      this.#faults.delete(key);
      return undefined;
    }
    return fault;
  }

  clear(tenantId: string, endpoint?: Endpoint): number {
    let n = 0;
    for (const [key, f] of this.#faults) {
      if (f.tenantId === tenantId && (!endpoint || f.endpoint === endpoint)) n += Number(this.#faults.delete(key));
    }
    return n;
  }

  list(): Fault[] {
    return [...this.#faults.values()].filter((f) => this.get(f.tenantId, f.endpoint));
  }

  /** The tenant's faults as they stand; `replace` puts such a list back. */
  ofTenant(tenantId: string): Fault[] {
    return this.list().filter((f) => f.tenantId === tenantId);
  }

  /** The tenant's faults become exactly `faults` (each keeps its own `since` and `until`). */
  replace(tenantId: string, faults: readonly Fault[]): void {
    this.clear(tenantId);
    for (const f of faults) if (f.tenantId === tenantId) this.#faults.set(`${f.tenantId} ${f.endpoint}`, f);
  }
}

/**
 * Everything the control API changes at run time for one mock instance. It also owns what the faults
 * leave hanging (held `timeout` responses, `slow` and rotation-overlap timers), so `close()` can end them:
 * a held socket would otherwise keep `server.close()` waiting forever.
 */
export class ControlState {
  readonly faults = new FaultTable();
  readonly requests = new RequestLog();
  /** What a test run changes on a tenant (keys, clock, faults), recorded to be put back afterwards. */
  readonly checkpoints = new TenantCheckpoints(this.faults);
  #held = new Set<ServerResponse>();
  #timers = new Set<{ timer: NodeJS.Timeout; resolve?: () => void }>();
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  /** Keeps a response open without ever answering (the `timeout` fault) until the client or `close()` ends it. */
  hold(res: ServerResponse): void {
    if (this.#closed) {
      res.destroy();
      return;
    }
    this.#held.add(res);
    res.once('close', () => this.#held.delete(res));
  }

  /** Number of responses the `timeout` fault is holding open. */
  get heldCount(): number {
    return this.#held.size;
  }

  /** Waits `ms`; resolves early (with false) when the state closes so a `slow` fault never outlives the server. */
  delay(ms: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const entry: { timer: NodeJS.Timeout; resolve?: () => void } = {
        timer: setTimeout(() => {
          this.#timers.delete(entry);
          resolve(true);
        }, ms),
      };
      entry.resolve = () => resolve(false);
      this.#timers.add(entry);
    });
  }

  /** Runs `fn` after `ms` unless the state closes first (rotation overlap). Unref'd: it never keeps a CLI alive. */
  schedule(ms: number, fn: () => void): void {
    if (this.#closed) return;
    const entry: { timer: NodeJS.Timeout } = {
      timer: setTimeout(() => {
        this.#timers.delete(entry);
        fn();
      }, ms),
    };
    entry.timer.unref();
    this.#timers.add(entry);
  }

  /** Destroys held sockets and cancels timers. Call before (or while) closing the HTTP server. */
  close(): void {
    this.#closed = true;
    for (const res of this.#held) res.destroy();
    this.#held.clear();
    for (const t of this.#timers) {
      clearTimeout(t.timer);
      t.resolve?.();
    }
    this.#timers.clear();
  }
}
