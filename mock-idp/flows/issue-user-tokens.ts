import type { KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
import type { User } from '../tenants/tenant-schema.ts';
import { resourceScope } from './resources.ts';

export interface UserTokenRequest {
  user: User;
  /** Requested OpenID scopes: `openid` adds an ID token, `offline_access` a refresh token. */
  oidc: string[];
  /** The resource indicator and the permission names granted on it. */
  resource?: string;
  permissions: string[];
  /** How the user authenticated (`amr`), e.g. `pwd`. */
  amr: string[];
  /** Recorded on the tokens oidc-provider keeps (`gty`), so a later refresh knows where the grant came from. */
  gty: string;
}

export interface UserTokenDeps {
  /** The resource server oidc-provider's own grants would resolve for `resource` (Entra's claim shaping keys on it). */
  resourceServer(ctx: KoaContextWithOIDC, resource: string): Promise<ResourceServer>;
  /** The user's OpenID claims, as `findAccount` gives them to ID tokens. */
  accountClaims(user: User): Record<string, unknown>;
}

/**
 * Issues what oidc-provider's built-in grants issue for a signed-in user (a grant, an access token for
 * the resource, a refresh token with `offline_access`, an ID token with `openid`) for the grants the
 * mock adds itself (on-behalf-of, username/password). Refreshing these tokens is oidc-provider's own
 * refresh_token grant, since the grant is stored the way its grants store theirs.
 */
export async function issueUserTokens(ctx: KoaContextWithOIDC, deps: UserTokenDeps, request: UserTokenRequest): Promise<Record<string, unknown>> {
  const { provider, client } = ctx.oidc;
  const { user, resource, permissions } = request;
  const resourceScopes = resource ? permissions.map((p) => resourceScope(resource, p)) : [];
  const scope = [...resourceScopes, ...request.oidc].join(' ');

  const grant = new provider.Grant({ accountId: user.oid, clientId: client!.clientId });
  if (request.oidc.length) grant.addOIDCScope(request.oidc.join(' '));
  if (resource) grant.addResourceScope(resource, resourceScopes.join(' '));
  const grantId = await grant.save();
  ctx.oidc.entity('Grant', grant);

  const authTime = Math.floor(Date.now() / 1000);
  let accessToken: string | undefined;
  let expiresIn: number | undefined;
  if (resource) {
    const at = new provider.AccessToken({ accountId: user.oid, client: client!, grantId, gty: request.gty, scope: resourceScopes.join(' ') });
    at.resourceServer = new provider.ResourceServer(resource, await deps.resourceServer(ctx, resource));
    ctx.oidc.entity('AccessToken', at);
    accessToken = await at.save();
    expiresIn = at.expiration;
  }

  let refreshToken: string | undefined;
  if (request.oidc.includes('offline_access') && client!.grantTypeAllowed('refresh_token')) {
    const rt = new provider.RefreshToken({
      accountId: user.oid,
      client: client!,
      grantId,
      gty: request.gty,
      scope,
      resource,
      authTime,
      amr: request.amr,
      acr: '1',
      rotations: 0,
    });
    ctx.oidc.entity('RefreshToken', rt);
    refreshToken = await rt.save();
  }

  let idToken: string | undefined;
  if (request.oidc.includes('openid')) {
    const token = new provider.IdToken({ ...deps.accountClaims(user), auth_time: authTime, amr: request.amr, acr: '1' }, { ctx });
    // Which OpenID claims the ID token carries follows the scopes, as for oidc-provider's own grants.
    (token as unknown as { scope: string }).scope = request.oidc.join(' ');
    idToken = await token.issue({ use: 'idtoken' });
  }

  if (!accessToken) {
    // Only OpenID scopes were asked for: Entra would issue a Microsoft Graph token, which this mock has no API for.
    const at = new provider.AccessToken({ accountId: user.oid, client: client!, grantId, gty: request.gty, scope: request.oidc.join(' ') });
    ctx.oidc.entity('AccessToken', at);
    accessToken = await at.save();
    expiresIn = at.expiration;
  }

  return Object.fromEntries(Object.entries({
    token_type: 'Bearer',
    scope,
    expires_in: expiresIn,
    access_token: accessToken,
    refresh_token: refreshToken,
    id_token: idToken,
  }).filter(([, v]) => v !== undefined));
}
