import { request } from 'undici';
import type { MintResult, MockIdp, TokenRecipe } from '../../mock-idp/index.ts';
import type { IdpAction } from './define-case.ts';
import { HarnessError } from './harness-error.ts';

type Endpoint = 'discovery' | 'jwks' | 'token' | 'attacker';

/**
 * What the harness needs from the mock IdP, whether it runs in this process or elsewhere: mint a
 * recipe, apply a case's setup/teardown actions, count what the IdP served. Both faces give the same
 * result (DESIGN.md data flow); the in-process one skips the HTTP hop because it is on the hot path.
 */
export interface IdpDriver {
  url: string;
  /** The tenant the target trusts; recipes and actions without a tenant go to it. */
  tenant: string;
  mint(recipe: TokenRecipe): Promise<MintResult>;
  apply(action: IdpAction): Promise<void>;
  /** Requests the IdP served on that endpoint (all tenants) since the log was last cleared. */
  requestCount(endpoint: Endpoint): Promise<number>;
  /** Clears faults and the clock offset of the tenant: what a case may have left behind. */
  reset(): Promise<void>;
}

export function idpDriver(idp: MockIdp | string, tenant = 'contoso'): IdpDriver {
  return typeof idp === 'string' ? overHttp(idp.replace(/\/$/, ''), tenant) : inProcess(idp, tenant);
}

function inProcess(idp: MockIdp, tenant: string): IdpDriver {
  const info = () => idp.tenant(tenant);
  return {
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
          await sleep(action.ms);
          return;
        case 'add-key':
          await idp.keys(tenant).add(action.state ?? 'next', undefined, { kid: action.kid, modulusLength: action.modulusLength, publicExponent: action.publicExponent });
          return;
        case 'remove-key':
          idp.keys(tenant).remove(action.kid);
          return;
      }
    },
    requestCount: async (endpoint) => idp.control.requests.count({ endpoint }),
    async reset() {
      idp.control.faults.clear(info().id);
      idp.runtime(tenant).clockOffsetSeconds = 0;
    },
  };
}

function overHttp(base: string, tenant: string): IdpDriver {
  const t = encodeURIComponent(tenant);
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> => {
    let res;
    try {
      res = await request(`${base}/_admin${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
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
  return {
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
          await sleep(action.ms);
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
      }
    },
    async requestCount(endpoint) {
      return ((await call('GET', `/requests?endpoint=${endpoint}`)) as { count: number }).count;
    },
    async reset() {
      await call('DELETE', `/tenants/${t}/faults`);
      await call('PUT', `/tenants/${t}/clock`, { offsetSeconds: 0 });
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
