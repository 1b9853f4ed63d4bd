import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { failWith } from './fail.ts';
import { issueUserTokens, type UserTokenDeps } from './issue-user-tokens.ts';
import { requestContext } from './request-context.ts';
import { delegatedRequest } from './resources.ts';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const ON_BEHALF_OF_PARAMETERS = ['assertion', 'requested_token_use', 'scope', 'resource'];

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * The on-behalf-of grant (Entra v2-oauth2-on-behalf-of-flow.md; RFC 7523 §2.1): a middle-tier API, a
 * confidential client, trades the user's access token it received (`assertion`) for a token to a
 * downstream API carrying the same user. Entra's checks, in its order: the assertion is a JWT, signed by
 * this tenant's keys, issued by this tenant, still valid, addressed to the caller, and a user's token;
 * the caller was consented to the downstream permissions it asks for.
 */
export function onBehalfOfGrant(runtime: TenantRuntime, deps: UserTokenDeps) {
  const { tenant } = runtime;
  return async function onBehalfOf(ctx: KoaContextWithOIDC): Promise<void> {
    const params = ctx.oidc.params as Record<string, string | undefined>;
    const client = tenant.clients.find((c) => c.clientId === ctx.oidc.client!.clientId)!;
    const context = requestContext(ctx.req);
    for (const name of ['requested_token_use', 'assertion']) {
      if (!params[name]) {
        failWith(ctx, { code: 900144, error: 'invalid_request', description: `The request body must contain the following parameter: '${name}'.` });
      }
    }
    if (params.requested_token_use !== 'on_behalf_of') {
      failWith(ctx, { code: 9002313, error: 'invalid_request', description: `Invalid request. Request is malformed or invalid: requested_token_use must be 'on_behalf_of', not '${params.requested_token_use}'.` });
    }
    const assertion = params.assertion!;

    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(assertion);
      unverified = decodeJwt(assertion);
    } catch {
      failWith(ctx, { code: 50027, error: 'invalid_grant', description: 'JWT token is invalid or malformed.' });
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, createLocalJWKSet(runtime.keys.jwks()), {
        algorithms: ['RS256'],
        currentDate: new Date(runtime.now() * 1000),
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) {
        failWith(ctx, {
          code: 500133,
          error: 'invalid_grant',
          suberror: 'token_expired',
          description: `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${iso(runtime.now())}, expiry time of assertion ${iso(Number(unverified!.exp))}.`,
        });
      }
      if (e instanceof joseErrors.JWTClaimValidationFailed) {
        failWith(ctx, { code: 500133, error: 'invalid_grant', description: `Assertion is not within its valid time range (${(e as Error).message}).` });
      }
      const reason = e instanceof joseErrors.JWKSNoMatchingKey ? 'The key was not found.' : 'The provided signature value did not match the expected signature value.';
      failWith(ctx, { code: 50013, error: 'invalid_grant', description: `Assertion failed signature validation. [Reason - ${reason}, Thumbprint of key used by client: '${String(header!.kid ?? header!.x5t ?? '')}']` });
    }

    if (payload.iss !== runtime.issuers.v2 && payload.iss !== runtime.issuers.v1) {
      failWith(ctx, { code: 50013, error: 'invalid_grant', description: `Assertion is invalid: its issuer '${String(payload.iss)}' is not a valid issuer of the tenant ${tenant.domain} (${runtime.issuers.v2} or ${runtime.issuers.v1}).` });
    }
    // The caller's own registration: its client id, or (v1 tokens) one of the App ID URIs of the API it exposes.
    const exposed = tenant.apis.filter((a) => a.appId === client.clientId).flatMap((a) => [a.appIdUri, `${a.appIdUri}/`]);
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.some((a) => a === client.clientId || (a !== undefined && exposed.includes(a)))) {
      failWith(ctx, {
        code: 500131,
        error: 'invalid_grant',
        description: `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${audiences.join(' ')}' and the expected audience is '${client.clientId}' or one of the Application Id URIs of this web API registration. The downstream client must request a token for the expected audience (the application that made the OBO request) and this application should use that token as the assertion.`,
      });
    }
    if (payload.idtyp === 'app' || typeof payload.scp !== 'string') {
      failWith(ctx, { code: 7000114, error: 'invalid_grant', description: `Application '${client.clientId}'(${client.name}) is not allowed to make application on-behalf-of calls: the assertion is an app-only token, and on-behalf-of works for users only.` });
    }
    const user = tenant.users.find((u) => u.oid === payload.oid);
    if (!user) {
      failWith(ctx, { code: 50034, error: 'invalid_grant', description: `The user account ${String(payload.oid)} does not exist in the ${tenant.domain} directory.` });
    }

    if (!params.scope && !params.resource) {
      failWith(ctx, { code: 900144, error: 'invalid_request', description: "The request body must contain the following parameter: 'scope'." });
    }
    const asked = delegatedRequest(tenant, client, params.scope ?? '', context?.endpointVersion === 1 ? params.resource : undefined);
    if ('failure' in asked) failWith(ctx, asked.failure);
    const { request } = asked;
    if (!request.resource) {
      failWith(ctx, { code: 70011, error: 'invalid_scope', description: `The provided value for the input parameter 'scope' isn't valid: on-behalf-of needs a downstream API's permission, not only ${params.scope}.` });
    }
    ctx.body = await issueUserTokens(ctx, deps, {
      user,
      oidc: request.oidc,
      resource: request.resource,
      permissions: request.permissions,
      amr: Array.isArray(payload.amr) ? (payload.amr as string[]) : ['pwd'],
      gty: 'on_behalf_of',
    });
  };
}
