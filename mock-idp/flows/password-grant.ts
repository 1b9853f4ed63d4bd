import { timingSafeEqual } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { failWith } from './fail.ts';
import { issueUserTokens, type UserTokenDeps } from './issue-user-tokens.ts';
import { requestContext } from './request-context.ts';
import { delegatedRequest } from './resources.ts';

export const PASSWORD_PARAMETERS = ['username', 'password', 'scope', 'resource'];

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The resource owner password credentials grant (RFC 6749 §4.3; Entra v2-oauth-ropc.md): the user's
 * name and password (the tenant file's demo `password`) for tokens, with Entra's answers for a user
 * the directory does not know (AADSTS50034) and a wrong password (AADSTS50126).
 */
export function passwordGrant(runtime: TenantRuntime, deps: UserTokenDeps) {
  const { tenant } = runtime;
  return async function password(ctx: KoaContextWithOIDC): Promise<void> {
    const params = ctx.oidc.params as Record<string, string | undefined>;
    const client = tenant.clients.find((c) => c.clientId === ctx.oidc.client!.clientId)!;
    const context = requestContext(ctx.req);
    for (const name of ['username', 'password']) {
      if (!params[name]) failWith(ctx, { code: 900144, error: 'invalid_request', description: `The request body must contain the following parameter: '${name}'.` });
    }
    const username = params.username!.trim().toLowerCase();
    const user = tenant.users.find((u) => u.upn.toLowerCase() === username);
    if (!user) {
      failWith(ctx, {
        code: 50034,
        error: 'invalid_grant',
        description: `The user account ${params.username} does not exist in the ${tenant.domain} directory. To sign into this application, the account must be added to the directory.`,
      });
    }
    if (!user.password || !same(user.password, params.password!)) {
      failWith(ctx, { code: 50126, error: 'invalid_grant', description: 'Error validating credentials due to invalid username or password.' });
    }
    const asked = delegatedRequest(tenant, client, params.scope ?? '', context?.endpointVersion === 1 ? params.resource : undefined);
    if ('failure' in asked) failWith(ctx, asked.failure);
    ctx.body = await issueUserTokens(ctx, deps, {
      user,
      oidc: asked.request.oidc,
      resource: asked.request.resource,
      permissions: asked.request.permissions,
      amr: ['pwd'],
      gty: 'password',
    });
  };
}
