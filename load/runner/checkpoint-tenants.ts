import { request } from 'undici';
import { LoadInputError } from './load-input-error.ts';

export interface TenantCheckpoints {
  /** Puts every checkpointed tenant back (keys, clock, faults) and forgets the checkpoints. */
  restore(): Promise<void>;
}

/**
 * A scenario's key rotations and JWKS faults change the mock IdP they are sent to. When that mock is
 * the user's own (`--idp URL`), the tenants the events touch are checkpointed on the mock before the
 * run (the keys never leave it) and restored after, so a load run leaves it as it found it, as
 * `gatecheck run` does.
 */
export async function checkpointTenants(control: { idpUrl: string; adminToken?: string }, tenants: readonly string[]): Promise<TenantCheckpoints> {
  const base = `${control.idpUrl.replace(/\/$/, '')}/_admin/tenants`;
  const call = async (method: 'POST' | 'DELETE', path: string): Promise<Record<string, unknown>> => {
    let res;
    try {
      res = await request(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(control.adminToken ? { authorization: `Bearer ${control.adminToken}` } : {}) },
        body: method === 'POST' ? '{}' : undefined,
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
    } catch (e) {
      throw new LoadInputError('ERR_IDP_CONTROL', `cannot reach the mock IdP's control API at ${control.idpUrl}/_admin: ${(e as Error).message}`);
    }
    const text = await res.body.text();
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (res.statusCode >= 400) {
      const older = res.statusCode === 404 ? ' (is it older than this gatecheck? restart it with this version\'s `gatecheck idp`)' : '';
      throw new LoadInputError('ERR_IDP_CONTROL', `${method} ${base}${path} answered ${res.statusCode}: ${String(body.error_description ?? text.slice(0, 200))}${older}`);
    }
    return body;
  };
  const taken: Array<{ tenant: string; id: string }> = [];
  const restore = async () => {
    for (const { tenant, id } of taken.splice(0).reverse()) {
      const path = `/${encodeURIComponent(tenant)}/checkpoints/${encodeURIComponent(id)}`;
      await call('POST', `${path}/restore`);
      await call('DELETE', path);
    }
  };
  try {
    for (const tenant of new Set(tenants)) {
      const { checkpoint } = await call('POST', `/${encodeURIComponent(tenant)}/checkpoints`);
      taken.push({ tenant, id: String(checkpoint) });
    }
  } catch (e) {
    await restore().catch(() => {});
    throw e;
  }
  return { restore };
}
