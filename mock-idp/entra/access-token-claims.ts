import { createHash, randomBytes } from 'node:crypto';
import type { Api, Client, Tenant, User } from '../tenants/tenant-schema.ts';
import type { TenantIssuers } from './issuers.ts';

export interface AccessTokenInput {
  tenant: Tenant;
  issuers: TenantIssuers;
  api: Api;
  client: Client;
  /** Present for delegated (user) tokens; absent for app-only tokens. */
  user?: User;
  /** Delegated scopes granted for this token (names without the API prefix). */
  scopes?: string[];
  /** How the resource was requested: v1 tokens carry it back as `aud` (app ID URI or app id). */
  requestedAs?: string;
  /** Client authentication: 0 public, 1 secret, 2 certificate (`azpacr`/`appidacr`). */
  clientAuth: 0 | 1 | 2;
  /** Seconds since the epoch. */
  now: number;
  lifetimeSeconds: number;
  /**
   * Client capabilities the token request declared in its `claims` parameter (`xms_cc`, e.g. `cp1`).
   * They reach the token only when the API lists `xms_cc` among its optional claims (claims-challenge.md).
   */
  capabilities?: string[];
  /** Claims particular to how the token was issued (a managed identity's `xms_mirid`). */
  extra?: Record<string, unknown>;
}

export interface EntraClaims {
  version: 1 | 2;
  payload: Record<string, unknown>;
}

/** Opaque Entra fields (`aio`, `rh`, `uti`): random base64url of Entra's typical lengths. */
export function opaque(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** Entra's `sub` in user tokens is pairwise: stable per user and application, different across applications. */
export function pairwiseSubject(userOid: string, appId: string): string {
  return createHash('sha256').update(`${userOid}\0${appId}`).digest('base64url').slice(0, 43);
}

/** The roles a caller holds for an API: the client's granted app permissions, or the user's role assignments. */
export function rolesFor(api: Api, client: Client, user?: User): string[] {
  return (user ? user.appRoles : client.appRoles)[api.name] ?? [];
}

/**
 * An Entra access token's claims. The version follows the API's `accessTokenAcceptedVersion`, not the
 * endpoint (entra-docs access-tokens.md); claim sets per version from access-token-claims-reference.md.
 */
export function accessTokenClaims(input: AccessTokenInput): EntraClaims {
  const { tenant, issuers, api, client, user, now } = input;
  const version = api.accessTokenAcceptedVersion;
  const roles = rolesFor(api, client, user);
  const common: Record<string, unknown> = {
    iat: now,
    nbf: now,
    exp: now + input.lifetimeSeconds,
    aio: opaque(48),
    oid: user ? user.oid : client.objectId,
    rh: `0.${opaque(42)}.`,
    sub: user ? pairwiseSubject(user.oid, api.appId) : client.objectId,
    tid: tenant.id,
    uti: opaque(16),
  };
  if (roles.length) common.roles = roles;
  if (user) {
    common.scp = (input.scopes ?? []).join(' ');
    if (user.groups.length > api.groupsOverageLimit) Object.assign(common, groupsOverage(user));
    else if (user.groups.length) common.groups = user.groups;
    if (user.wids.length) common.wids = user.wids;
  } else {
    common.idtyp = 'app';
  }
  if (input.capabilities?.length && api.optionalClaims.includes('xms_cc')) common.xms_cc = input.capabilities;
  Object.assign(common, input.extra);

  if (version === 2) {
    const payload: Record<string, unknown> = {
      aud: api.appId,
      iss: issuers.v2,
      ...common,
      azp: client.clientId,
      azpacr: String(input.clientAuth),
      ver: '2.0',
    };
    if (user) {
      Object.assign(payload, { name: user.name, preferred_username: user.upn });
      // v1 tokens carry these always (below); v2 tokens only when the API lists them as optional claims.
      const wanted = new Set(api.optionalClaims);
      if (wanted.has('upn')) payload.upn = user.upn;
      if (wanted.has('given_name') && user.givenName) payload.given_name = user.givenName;
      if (wanted.has('family_name') && user.familyName) payload.family_name = user.familyName;
      if (wanted.has('ipaddr')) payload.ipaddr = '127.0.0.1';
    }
    return { version, payload: sortEntra(payload) };
  }
  const payload: Record<string, unknown> = {
    aud: input.requestedAs ?? api.appIdUri,
    iss: issuers.v1,
    idp: issuers.v1,
    ...common,
    appid: client.clientId,
    appidacr: String(input.clientAuth),
    ver: '1.0',
  };
  if (user) {
    Object.assign(payload, {
      acr: '1',
      amr: ['pwd'],
      name: user.name,
      unique_name: user.upn,
      upn: user.upn,
      ...(user.givenName ? { given_name: user.givenName } : {}),
      ...(user.familyName ? { family_name: user.familyName } : {}),
      ipaddr: '127.0.0.1',
    });
  }
  return { version, payload: sortEntra(payload) };
}

/**
 * Entra's groups overage: a user in more groups than fit (200 for a JWT) gets no `groups` claim but a
 * distributed claim (OpenID Connect Core 5.6.2) pointing at Microsoft Graph, from which the API fetches
 * the groups. Shape and endpoint as in Learn's access token claims reference, "Groups overage claim"
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference), the same for v1
 * and v2 access tokens. (The `hasgroups` claim replaces it only in implicit-flow ID tokens, which the
 * mock does not issue with groups.)
 */
export function groupsOverage(user: User): Record<string, unknown> {
  return {
    _claim_names: { groups: 'src1' },
    _claim_sources: { src1: { endpoint: `https://graph.microsoft.com/v1.0/users/${user.oid}/getMemberObjects` } },
  };
}

const ENTRA_ORDER = ['aud', 'iss', 'iat', 'nbf', 'exp'];

/** Entra emits aud, iss and the times first and the rest alphabetically; keeping that makes golden files readable. */
function sortEntra(payload: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(payload).sort((a, b) => {
    const ia = ENTRA_ORDER.indexOf(a);
    const ib = ENTRA_ORDER.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    return a.localeCompare(b);
  });
  return Object.fromEntries(keys.map((k) => [k, payload[k]]));
}

