import { request } from 'undici';
import type { MintResult, MockIdp, TokenRecipe } from '../../mock-idp/index.ts';
import type { IdpAction } from './define-case.ts';
import { HarnessError } from './harness-error.ts';

type Endpoint = 'discovery' | 'jwks' | 'token' | 'attacker';

/**
 * What the harness needs from the mock IdP, whether it runs in this process or elsewhere: mint a
 * recipe, apply a case's setup/teardown actions, count what the IdP served. Both faces give the same
 * result; the in-process one skips the HTTP hop because it is on the hot path.
 */
export interface IdpDriver {
  url: string;
  /** The tenant the target trusts; recipes and actions without a tenant go to it. */
  tenant: string;
  mint(recipe: TokenRecipe): Promise<MintResult>;
  apply(action: IdpAction): Promise<void>;
  /** Requests the IdP served on that endpoint (all tenants) since the log was last cleared. */
  requestCount(endpoint: Endpoint): Promise<number>;
  /** Clears faults, the clock offset and revocations of the tenant: what a case may have left behind. */
  reset(): Promise<void>;
  /**
   * Records on the mock what the cases may change on the tenant (its keys in order with their states,
   * the clock offset, the faults; the keys stay in the mock) and returns how to put it back. Restoring
   * waits for the changes already under way and refuses new ones while it runs.
   */
  checkpoint(): Promise<IdpCheckpoint>;
}

export interface IdpCheckpoint {
  /** Puts the tenant back and forgets the checkpoint on the mock; a second call does nothing. */
  restore(): Promise<void>;
}

/** The raw checkpoint calls each face makes; `guarded` adds the ordering around them. */
interface CheckpointCalls {
  take(): Promise<string>;
  restore(id: string): Promise<void>;
  release(id: string): Promise<void>;
}

/** `adminToken`: the control API's bearer token, for a mock started with `--admin-token`. */
export function idpDriver(idp: MockIdp | string, tenant = 'contoso', options: { adminToken?: string } = {}): IdpDriver {
  return typeof idp === 'string' ? overHttp(idp.replace(/\/$/, ''), tenant, options.adminToken) : inProcess(idp, tenant);
}

/**
 * The driver with its state-changing calls (apply, reset) tracked, so a restore runs after the ones
 * already sent and none slips in behind it: on an interrupted run the restore races cases still going.
 */
function guarded(driver: Omit<IdpDriver, 'checkpoint'>, calls: CheckpointCalls): IdpDriver {
  const pending = new Set<Promise<unknown>>();
  let restoring = false;
  const track = <T>(work: () => Promise<T>): Promise<T> => {
    if (restoring) return Promise.reject(new HarnessError('ERR_IDP_CONTROL', `the mock IdP at ${driver.url} is being put back as the run found it; no further changes`));
    const p = work();
    pending.add(p);
    const done = () => pending.delete(p);
    p.then(done, done);
    return p;
  };
  return {
    ...driver,
    apply: (action) => (action.action === 'wait' ? driver.apply(action) : track(() => driver.apply(action))),
    reset: () => track(() => driver.reset()),
    async checkpoint() {
      const id = await calls.take();
      let restored: Promise<void> | undefined;
      return {
        restore() {
          restored ??= (async () => {
            restoring = true;
            try {
              await Promise.allSettled([...pending]);
              await calls.restore(id);
              await calls.release(id);
            } finally {
              restoring = false;
            }
          })();
          return restored;
        },
      };
    },
  };
}

function inProcess(idp: MockIdp, tenant: string): IdpDriver {
  const info = () => idp.tenant(tenant);
  const checkpoints = idp.control.checkpoints;
  const calls: CheckpointCalls = {
    take: async () => checkpoints.take(idp.runtime(tenant)).checkpoint,
    async restore(id) {
      if (!checkpoints.restore(idp.runtime(tenant), id)) throw new HarnessError('ERR_IDP_CONTROL', `the mock IdP lost checkpoint ${id} of tenant ${tenant}`);
    },
    release: async (id) => void checkpoints.release(idp.runtime(tenant), id),
  };
  return guarded({
    url: idp.url,
    tenant,
    mint: (recipe) => idp.mint({ ...recipe, tenant: recipe.tenant ?? tenant }),
    async apply(action) {
      switch (action.action) {
        case 'rotate-keys':
          await idp.keys(tenant).rotate();
          return;
        case 'fault':
          idp.control.faults.set(info(), action.endpoint, action.fault);
          return;
        case 'clear-faults':
          idp.control.faults.clear(info().id);
          return;
        case 'clear-request-log':
          idp.control.requests.clear();
          return;
        case 'clock':
          idp.runtime(tenant).clockOffsetSeconds = action.offsetSeconds;
          return;
        case 'wait':
          await sleep(waitMs(action));
          return;
        case 'add-key':
          await idp.keys(tenant).add(action.state ?? 'next', undefined, { kid: action.kid, modulusLength: action.modulusLength, publicExponent: action.publicExponent });
          return;
        case 'remove-key':
          idp.keys(tenant).remove(action.kid);
          return;
        case 'revoke-user':
        case 'revoke-session': {
          const { propagationSeconds } = idp.revoke(tenant, action.action === 'revoke-user' ? { user: action.user } : { sid: action.sid });
          await sleep(propagationMs(propagationSeconds));
          return;
        }
        case 'clear-revocations':
          idp.runtime(tenant).revocations.clear();
          return;
      }
    },
    requestCount: async (endpoint) => idp.control.requests.count({ endpoint }),
    async reset() {
      idp.control.faults.clear(info().id);
      idp.runtime(tenant).clockOffsetSeconds = 0;
      idp.runtime(tenant).revocations.clear();
    },
  }, calls);
}

function overHttp(base: string, tenant: string, adminToken?: string): IdpDriver {
  const t = encodeURIComponent(tenant);
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> => {
    let res;
    try {
      res = await request(`${base}/_admin${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
    } catch (e) {
      throw new HarnessError('ERR_IDP_CONTROL', `cannot reach the mock IdP's control API at ${base}/_admin: ${(e as Error).message}`);
    }
    const text = await res.body.text();
    const json = text ? (JSON.parse(text) as { error_description?: string }) : {};
    if (res.statusCode >= 400) {
      throw new HarnessError('ERR_IDP_CONTROL', `${method} ${base}/_admin${path} answered ${res.statusCode}: ${json.error_description ?? text.slice(0, 200)}`);
    }
    return json;
  };
  const checkpoints = `/tenants/${t}/checkpoints`;
  const calls: CheckpointCalls = {
    async take() {
      try {
        return ((await call('POST', checkpoints, {})) as { checkpoint: string }).checkpoint;
      } catch (e) {
        // A mock from before checkpoints existed: say what to do rather than run and leave it changed.
        if (e instanceof HarnessError && / answered 404: no control route/.test(e.message)) {
          throw new HarnessError('ERR_IDP_CONTROL', `the mock IdP at ${base} cannot checkpoint tenant ${tenant} (it is older than this gatecheck); restart it with this version's \`gatecheck idp\` so the run can leave it as it found it`);
        }
        throw e;
      }
    },
    restore: async (id) => void (await call('POST', `${checkpoints}/${encodeURIComponent(id)}/restore`, {})),
    release: async (id) => void (await call('DELETE', `${checkpoints}/${encodeURIComponent(id)}`)),
  };
  return guarded({
    url: base,
    tenant,
    async mint(recipe) {
      const ref = recipe.tenant ?? tenant;
      return (await call('POST', `/tenants/${encodeURIComponent(ref)}/tokens`, { ...recipe, tenant: ref })) as MintResult;
    },
    async apply(action) {
      switch (action.action) {
        case 'rotate-keys':
          await call('POST', `/tenants/${t}/keys/rotate`, {});
          return;
        case 'fault':
          await call('PUT', `/tenants/${t}/faults/${action.endpoint}`, action.fault);
          return;
        case 'clear-faults':
          await call('DELETE', `/tenants/${t}/faults`);
          return;
        case 'clear-request-log':
          await call('DELETE', '/requests');
          return;
        case 'clock':
          await call('PUT', `/tenants/${t}/clock`, { offsetSeconds: action.offsetSeconds });
          return;
        case 'wait':
          await sleep(waitMs(action));
          return;
        case 'add-key':
          await call('POST', `/tenants/${t}/keys`, {
            state: action.state ?? 'next',
            kid: action.kid,
            ...(action.modulusLength ? { modulusLength: action.modulusLength } : {}),
            ...(action.publicExponent ? { publicExponent: action.publicExponent } : {}),
          });
          return;
        case 'remove-key':
          // Gone already (a teardown after a setup that failed half-way) is what was asked for.
          if ((((await call('GET', `/tenants/${t}/keys`)) as { keys: { kid: string }[] }).keys).some((k) => k.kid === action.kid)) {
            await call('DELETE', `/tenants/${t}/keys/${encodeURIComponent(action.kid)}`);
          }
          return;
        case 'revoke-user':
        case 'revoke-session': {
          const path = action.action === 'revoke-user' ? `users/${encodeURIComponent(action.user)}` : `sessions/${encodeURIComponent(action.sid)}`;
          const { propagationSeconds } = (await call('POST', `/tenants/${t}/${path}/revoke`, {})) as { propagationSeconds: number };
          await sleep(propagationMs(propagationSeconds));
          return;
        }
        case 'clear-revocations':
          await call('DELETE', `/tenants/${t}/revocations`);
          return;
      }
    },
    async requestCount(endpoint) {
      return ((await call('GET', `/requests?endpoint=${endpoint}`)) as { count: number }).count;
    },
    async reset() {
      await call('DELETE', `/tenants/${t}/faults`);
      await call('PUT', `/tenants/${t}/clock`, { offsetSeconds: 0 });
      // A mock from before revocations existed has none to clear.
      await call('DELETE', `/tenants/${t}/revocations`).catch((e: unknown) => {
        if (!(e instanceof HarnessError && / answered 404: no control route/.test(e.message))) throw e;
      });
    },
  }, calls);
}

/** How long to wait after a revocation: the revocation list's max-age, and half a second for the poll that follows it. */
function propagationMs(propagationSeconds: number): number {
  return propagationSeconds * 1000 + 500;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A wait action's length: its `ms`, or what is left of the current second (plus a little, past the tick). */
function waitMs(action: Extract<IdpAction, { action: 'wait' }>): number {
  return 'ms' in action ? action.ms : 1000 - (Date.now() % 1000) + 5;
}
