import { createPrivateKey, randomInt, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tenantIssuers, type IssuerStyle, type TenantIssuers } from './entra/issuers.ts';
import { KeyStore } from './keys/key-store.ts';
import type { Tenant } from './tenants/tenant-schema.ts';
import { MockIdpConfigError } from './config.ts';

export interface TenantUrls {
  discoveryV2: string;
  discoveryV1: string;
  jwksV2: string;
  /** Entra's v1 documents point at the shared `common` keys. */
  jwksV1: string;
  token: string;
  authorize: string;
  logout: string;
}

/** A tenant as the running mock holds it: definition, keys, issuers, URLs and its clock. */
export interface TenantRuntime {
  tenant: Tenant;
  keys: KeyStore;
  issuers: TenantIssuers;
  urls: TenantUrls;
  /** Shifts the times written into minted tokens (control API `PUT …/clock`). */
  clockOffsetSeconds: number;
  /** Seconds since the epoch, as this tenant's tokens see it. */
  now(): number;
  /** A fresh access-token lifetime, random within the configured range. */
  accessTokenLifetime(): number;
}

export function tenantUrls(baseUrl: string, tenant: Tenant): TenantUrls {
  const t = `${baseUrl}/${tenant.id}`;
  return {
    discoveryV2: `${t}/v2.0/.well-known/openid-configuration`,
    discoveryV1: `${t}/.well-known/openid-configuration`,
    jwksV2: `${t}/discovery/v2.0/keys`,
    jwksV1: `${baseUrl}/common/discovery/keys`,
    token: `${t}/oauth2/v2.0/token`,
    authorize: `${t}/oauth2/v2.0/authorize`,
    logout: `${t}/oauth2/v2.0/logout`,
  };
}

function loadPrimaryKey(dir: string, tenant: Tenant): KeyObject | undefined {
  const pem = join(dir, `${tenant.name}.pem`);
  const jwk = join(dir, `${tenant.name}.jwk.json`);
  const file = existsSync(pem) ? pem : existsSync(jwk) ? jwk : undefined;
  if (!file) return undefined;
  try {
    const key = file === pem
      ? createPrivateKey(readFileSync(file))
      : createPrivateKey({ key: JSON.parse(readFileSync(file, 'utf8')), format: 'jwk' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`an RSA key is needed, this is ${key.asymmetricKeyType}`);
    return key;
  } catch (e) {
    throw new MockIdpConfigError(`--keys: ${file}: not a usable private key (${(e as Error).message})`);
  }
}

export async function createTenantRuntime(
  tenant: Tenant,
  opts: { baseUrl: string; issuerStyle: IssuerStyle; keysDir?: string; lifetime: { min: number; max: number } },
): Promise<TenantRuntime> {
  const keys = await KeyStore.create({ primary: opts.keysDir ? loadPrimaryKey(opts.keysDir, tenant) : undefined });
  const runtime: TenantRuntime = {
    tenant,
    keys,
    issuers: tenantIssuers(opts.baseUrl, tenant.id, opts.issuerStyle),
    urls: tenantUrls(opts.baseUrl, tenant),
    clockOffsetSeconds: 0,
    now: () => Math.floor(Date.now() / 1000) + runtime.clockOffsetSeconds,
    accessTokenLifetime: () => randomInt(opts.lifetime.min, opts.lifetime.max + 1),
  };
  return runtime;
}

/** Finds a tenant by the segment clients put in URLs: its GUID, its domain, or its short name. */
export function findTenant<T extends { tenant: Tenant }>(all: Iterable<T>, segment: string): T | undefined {
  const s = segment.toLowerCase();
  for (const t of all) {
    if (t.tenant.id === s || t.tenant.domain === s || t.tenant.name === s) return t;
  }
  return undefined;
}
