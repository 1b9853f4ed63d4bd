import { randomUUID } from 'node:crypto';
import { accessTokenClaims, opaque, pairwiseSubject, rolesFor } from '../entra/access-token-claims.ts';
import type { Api, Client, User } from '../tenants/tenant-schema.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { MintError } from './mint-error.ts';
import type { Profile, ResolvedTokenRecipe } from './token-recipe.ts';

export interface ProfileToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  api: Api;
  client: Client;
  user?: User;
}

const USER_PROFILES: readonly Profile[] = ['entra-v2-user', 'id-token'];

/**
 * The genuine token a profile describes, before any override: Entra's claim sets come from
 * `accessTokenClaims` (one source of truth with the real token endpoint); `id-token` and `rfc9068`
 * are built here since Entra's token endpoint does not issue the latter at all.
 */
export function profileToken(runtime: TenantRuntime, recipe: ResolvedTokenRecipe, kid: string | undefined): ProfileToken {
  const { tenant, issuers } = runtime;
  const profile = recipe.profile;
  const api = pickApi(runtime, recipe);
  const wantsUser = USER_PROFILES.includes(profile) || (profile === 'rfc9068' && recipe.user !== undefined);
  if (!wantsUser && recipe.user !== undefined) {
    throw new MintError('ERR_MINT_INVALID_RECIPE', 'user', `profile ${profile} is an app-only token; use entra-v2-user, id-token or rfc9068 for a user`);
  }
  const user = wantsUser ? pickUser(runtime, recipe, api) : undefined;
  const client = pickClient(runtime, recipe, api, user !== undefined);
  const scopes = recipe.scopes ?? client.delegatedPermissions[api.name] ?? [];
  const now = runtime.now();
  const lifetime = runtime.accessTokenLifetime();

  if (profile === 'entra-v1-app' || profile === 'entra-v2-app' || profile === 'entra-v2-user') {
    const version = profile === 'entra-v1-app' ? 1 : 2;
    const { payload } = accessTokenClaims({
      tenant,
      issuers,
      api: { ...api, accessTokenAcceptedVersion: version },
      client,
      user,
      scopes,
      clientAuth: client.public ? 0 : client.certificate ? 2 : 1,
      now,
      lifetimeSeconds: lifetime,
    });
    // Entra writes x5t only into v1 tokens (Entra access-token claims reference, header claims).
    const header = { typ: 'JWT', alg: 'RS256', ...(version === 1 && kid ? { x5t: kid } : {}), ...(kid ? { kid } : {}) };
    return { header, claims: payload, api, client, user };
  }

  if (profile === 'id-token') {
    const u = user!;
    const claims: Record<string, unknown> = {
      aud: client.clientId,
      iss: issuers.v2,
      iat: now,
      nbf: now,
      exp: now + 3600,
      aio: opaque(48),
      name: u.name,
      nonce: randomUUID(),
      oid: u.oid,
      preferred_username: u.upn,
      rh: `0.${opaque(42)}.`,
      sid: randomUUID(),
      sub: pairwiseSubject(u.oid, client.clientId),
      tid: tenant.id,
      uti: opaque(16),
      ver: '2.0',
    };
    return { header: { typ: 'JWT', alg: 'RS256', ...(kid ? { kid } : {}) }, claims, api, client, user };
  }

  // rfc9068: the JWT access-token profile's required claims (RFC 9068 §2.2) and its `at+jwt` type.
  const roles = rolesFor(api, client, user);
  const claims: Record<string, unknown> = {
    iss: issuers.v2,
    exp: now + lifetime,
    aud: api.appId,
    sub: user ? pairwiseSubject(user.oid, api.appId) : client.objectId,
    client_id: client.clientId,
    iat: now,
    jti: randomUUID(),
    tid: tenant.id,
    ...(user ? { scope: scopes.join(' ') } : {}),
    ...(roles.length ? { roles } : {}),
  };
  return { header: { typ: 'at+jwt', alg: 'RS256', ...(kid ? { kid } : {}) }, claims, api, client, user };
}

function pickApi(runtime: TenantRuntime, recipe: ResolvedTokenRecipe): Api {
  const apis = runtime.tenant.apis;
  if (recipe.api !== undefined) {
    const api = apis.find((a) => a.name === recipe.api || a.appId === recipe.api || a.appIdUri === recipe.api);
    if (!api) throw new MintError('ERR_MINT_UNKNOWN_REFERENCE', 'api', `tenant ${runtime.tenant.name} has no API "${recipe.api}"`);
    return api;
  }
  const version = recipe.profile === 'entra-v1-app' ? 1 : 2;
  const api = apis.find((a) => a.accessTokenAcceptedVersion === version) ?? apis[0];
  if (!api) throw new MintError('ERR_MINT_UNKNOWN_REFERENCE', 'api', `tenant ${runtime.tenant.name} defines no API`);
  return api;
}

function pickUser(runtime: TenantRuntime, recipe: ResolvedTokenRecipe, api: Api): User {
  const users = runtime.tenant.users;
  if (recipe.user !== undefined) {
    const want = recipe.user.toLowerCase();
    const user = users.find((u) => u.upn.toLowerCase() === want || u.oid === want);
    if (!user) throw new MintError('ERR_MINT_UNKNOWN_REFERENCE', 'user', `tenant ${runtime.tenant.name} has no user "${recipe.user}"`);
    return user;
  }
  const user = users.find((u) => u.appRoles[api.name]?.length) ?? users[0];
  if (!user) throw new MintError('ERR_MINT_UNKNOWN_REFERENCE', 'user', `profile ${recipe.profile} needs a user and tenant ${runtime.tenant.name} defines none`);
  return user;
}

function pickClient(runtime: TenantRuntime, recipe: ResolvedTokenRecipe, api: Api, delegated: boolean): Client {
  const clients = runtime.tenant.clients;
  if (recipe.client !== undefined) {
    const client = clients.find((c) => c.name === recipe.client || c.clientId === recipe.client);
    if (!client) throw new MintError('ERR_MINT_UNKNOWN_REFERENCE', 'client', `tenant ${runtime.tenant.name} has no client "${recipe.client}"`);
    return client;
  }
  const client = delegated
    ? clients.find((c) => c.delegatedPermissions[api.name]?.length)
    : clients.find((c) => c.appRoles[api.name]?.length);
  const chosen = client ?? clients[0];
  if (!chosen) throw new MintError('ERR_MINT_UNKNOWN_REFERENCE', 'client', `tenant ${runtime.tenant.name} defines no client`);
  return chosen;
}
