import { createPrivateKey, randomInt, randomUUID, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tenantIssuers, type IssuerStyle, type TenantIssuers } from './entra/issuers.ts';
import { Revocations } from './cae/revocations.ts';
import { ClaimOverrides } from './control/claim-overrides.ts';
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
  /** v1 authorize endpoint: what a claims challenge names as `authorization_uri`. */
  authorizeV1: string;
  logout: string;
  /** App Service's managed-identity endpoint for this tenant (`IDENTITY_ENDPOINT`). */
  appServiceIdentity: string;
  /** The metadata service's (IMDS) managed-identity token endpoint for this tenant. */
  imdsIdentity: string;
  /** What `AZURE_POD_IDENTITY_AUTHORITY_HOST` is set to so the SDKs reach `imdsIdentity`. */
  imdsAuthorityHost: string;
  /** gatecheck's revocation list for continuous access evaluation (not an Entra endpoint). */
  revocations: string;
}

/** A tenant as the running mock holds it: definition, keys, issuers, URLs and its clock. */
export interface TenantRuntime {
  tenant: Tenant;
  keys: KeyStore;
  issuers: TenantIssuers;
  urls: TenantUrls;
  /** The `X-IDENTITY-HEADER` value the App Service managed-identity endpoint expects (`IDENTITY_HEADER`). */
  identityHeader: string;
  /** Revoked users and sessions (continuous access evaluation). */
  revocations: Revocations;
  /** Extra or changed claims for a client's or a user's next access tokens (control API `…/claim-overrides`). */
  claimOverrides: ClaimOverrides;
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
    authorizeV1: `${t}/oauth2/authorize`,
    logout: `${t}/oauth2/v2.0/logout`,
    appServiceIdentity: `${t}/msi/token`,
    imdsIdentity: `${t}/metadata/identity/oauth2/token`,
    imdsAuthorityHost: t,
    revocations: `${baseUrl}/_cae/${tenant.id}/revocations`,
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
  opts: {
    baseUrl: string;
    issuerStyle: IssuerStyle;
    keysDir?: string;
    lifetime: { min: number; max: number };
    /** Fixed `X-IDENTITY-HEADER` value; default: a fresh random one, as App Service rotates it. */
    identityHeader?: string;
  },
): Promise<TenantRuntime> {
  const keys = await KeyStore.create({ primary: opts.keysDir ? loadPrimaryKey(opts.keysDir, tenant) : undefined });
  const runtime: TenantRuntime = {
    tenant,
    keys,
    issuers: tenantIssuers(opts.baseUrl, tenant.id, opts.issuerStyle),
    urls: tenantUrls(opts.baseUrl, tenant),
    identityHeader: opts.identityHeader ?? randomUUID(),
    revocations: new Revocations(),
    claimOverrides: new ClaimOverrides(),
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
