import { createHash } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';

/** `{{run.address.NAME}}` in RequestSpec.from: a loopback address of this run's own for NAME. */
const TEMPLATE = /^\{\{run\.address\.([A-Za-z0-9_.-]+)\}\}$/;
const LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The loopback addresses requests are sent from. A target that keys a rate limit on the caller's
 * address (APIM `context.Request.IpAddress`) counts each of them apart, so a case can own a budget: its
 * requests come from an address no other case, and no earlier run, has used. Addresses are drawn from
 * 127.64.0.0–127.127.255.255 (Linux routes all of 127.0.0.0/8 to the loopback interface), away from
 * 127.0.0.1 where every other request comes from. Every address gets its own small connection pool.
 */
export class SourceAddresses {
  readonly #runId: string;
  readonly #default: Dispatcher;
  readonly #agents = new Map<string, Agent>();

  constructor(runId: string, defaultDispatcher: Dispatcher) {
    this.#runId = runId;
    this.#default = defaultDispatcher;
  }

  /** A run-unique loopback address for `name` (stable within the run). */
  address(name: string): string {
    const h = createHash('sha256').update(`${this.#runId}\0${name}`).digest();
    return `127.${64 + (h[0] & 63)}.${h[1]}.${1 + (h[2] % 254)}`;
  }

  /** `from` as written in a RequestSpec (a template or a literal 127.x address) → the address, or undefined for the default. */
  resolve(from: string | undefined): string | undefined {
    if (from === undefined) return undefined;
    const named = TEMPLATE.exec(from);
    if (named) return this.address(named[1]);
    const m = LOOPBACK.exec(from);
    if (!m || m.slice(1).some((o) => Number(o) > 255)) throw new Error(`request.from ${JSON.stringify(from)} is not a loopback (127.0.0.0/8) address or a {{run.address.NAME}} template`);
    return from;
  }

  /** The dispatcher whose connections leave from `address` (the shared one for undefined). */
  dispatcher(address: string | undefined): Dispatcher {
    if (address === undefined) return this.#default;
    let agent = this.#agents.get(address);
    if (!agent) {
      agent = new Agent({ localAddress: address, connections: 4, keepAliveTimeout: 1000 });
      this.#agents.set(address, agent);
    }
    return agent;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#agents.values()].map((a) => a.close()));
  }
}
