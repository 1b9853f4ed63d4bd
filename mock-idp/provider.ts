import { createPublicKey, randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
// The in-memory adapter is right for a mock; passing it explicitly keeps oidc-provider from warning about it on stderr.
// @ts-expect-error -- deep import without type declarations
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';
import { accessTokenClaims, opaque, pairwiseSubject } from './entra/access-token-claims.ts';
import { failureBody, failureStatus, type EntraFailure } from './entra/entra-error.ts';
import { clientCapabilities } from './flows/claims-request.ts';
import { DEVICE_CODE_GRANT, deviceCodeBook, deviceFlowPages, entraDeviceAuthorization, type DeviceCodeSettings } from './flows/device-codes.ts';
import { failWith } from './flows/fail.ts';
import { JWT_BEARER, ON_BEHALF_OF_PARAMETERS, onBehalfOfGrant } from './flows/on-behalf-of.ts';
import { PASSWORD_PARAMETERS, passwordGrant } from './flows/password-grant.ts';
import { requestContext } from './flows/request-context.ts';
import { apiForResource, resourceAsRequested, resourceOfScope, unknownResource } from './flows/resources.ts';
import { pairwiseIdToken } from './flows/id-tokens.ts';
import { v1TokenResponse } from './flows/v1-endpoints.ts';
import type { TenantRuntime } from './tenant-runtime.ts';
import type { Client, Tenant, User } from './tenants/tenant-schema.ts';

function clientMetadata(c: Client) {
  const interactive = c.redirectUris.length > 0;
  if (c.public) {
    return {
      client_id: c.clientId,
      token_endpoint_auth_method: 'none',
      grant_types: [
        ...(interactive ? ['authorization_code'] : []),
        'refresh_token',
        // Entra's "Allow public client flows".
        ...(c.allowPublicClient ? [DEVICE_CODE_GRANT, 'password'] : []),
      ],
      response_types: interactive ? ['code'] : [],
      redirect_uris: c.redirectUris,
      // oidc-provider refuses pairwise subjects for public device-code clients; their ID tokens get
      // Entra's pairwise `sub` from the response middleware instead (pairwiseIdToken).
      subject_type: c.allowPublicClient ? 'public' : 'pairwise',
    };
  }
  return {
    client_id: c.clientId,
    ...(c.secret
      ? { client_secret: c.secret, token_endpoint_auth_method: 'client_secret_post' }
      : {
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ ...createPublicKey(c.certificatePem!).export({ format: 'jwk' }), use: 'sig' }] },
        }),
    // Entra lets every confidential client use client credentials, on-behalf-of and the password grant.
    grant_types: ['client_credentials', JWT_BEARER, 'password', 'refresh_token', ...(interactive ? ['authorization_code'] : [])],
    response_types: interactive ? ['code'] : [],
    redirect_uris: c.redirectUris,
    subject_type: 'pairwise',
  };
}

export interface ProviderOptions {
  idTokenLifetimeSeconds: number;
  deviceCode: DeviceCodeSettings;
}

/**
 * A user's OpenID claims, as ID tokens and the userinfo endpoint carry them (Entra id-token-claims-reference.md);
 * oidc-provider turns `sub` into the pairwise subject of the client that asks.
 */
function accountClaims(tenant: Tenant, user: User): { sub: string; [claim: string]: unknown } {
  return {
    sub: user.oid,
    oid: user.oid,
    tid: tenant.id,
    ver: '2.0',
    aio: opaque(48),
    rh: `0.${opaque(42)}.`,
    uti: opaque(16),
    name: user.name,
    preferred_username: user.upn,
    email: user.upn,
  };
}

/**
 * One oidc-provider instance for one tenant, mounted under `/{tenant id}`. oidc-provider computes its
 * keystore once at construction, so the mock builds a new instance whenever the tenant's keys change
 * (the default memory adapter is module-wide, so codes and refresh tokens survive the rebuild).
 */
export function buildProvider(runtime: TenantRuntime, options: ProviderOptions): Provider {
  const { tenant } = runtime;
  const clientById = new Map(tenant.clients.map((c) => [c.clientId, c]));
  const apiByAudience = new Map(tenant.apis.map((a) => [a.appId, a]));
  const userByOid = new Map(tenant.users.map((u) => [u.oid, u]));
  const devices = deviceCodeBook(runtime);

  const resourceServerInfo = async (ctx: KoaContextWithOIDC, resource: string) => {
    const api = apiForResource(tenant, resource);
    if (!api) failWith(ctx, unknownResource(tenant, resource), new errors.InvalidTarget());
    const requested = resourceAsRequested(resource);
    const scopes = [...api.scopes, '.default'].map((s) => `${requested}/${s}`);
    if (ctx.oidc.params?.grant_type === 'client_credentials') {
      const requestedScopes = String(ctx.oidc.params.scope ?? '').split(' ').filter(Boolean);
      const bad = requestedScopes.find((s) => !s.endsWith('/.default'));
      if (bad) notDotDefault(ctx, bad);
    }
    return {
      scope: scopes.join(' '),
      audience: api.appId,
      accessTokenFormat: 'jwt' as const,
      accessTokenTTL: runtime.accessTokenLifetime(),
      jwt: { sign: { alg: 'RS256' as const, kid: runtime.keys.primary().kid } },
    };
  };

  const config: Configuration = {
    adapter: createMemoryAdapter(15),
    clients: tenant.clients.map(clientMetadata) as Configuration['clients'],
    jwks: {
      // The primary key comes first: ID tokens are signed by the first key that fits.
      keys: [...runtime.keys.list()]
        .sort((a, b) => Number(b.state === 'primary') - Number(a.state === 'primary'))
        .map((k) => ({ ...k.privateKey.export({ format: 'jwk' }), kid: k.kid, use: 'sig', alg: 'RS256' })) as never,
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: {
      authorization: '/oauth2/v2.0/authorize',
      token: '/oauth2/v2.0/token',
      end_session: '/oauth2/v2.0/logout',
      jwks: '/discovery/v2.0/keys',
      userinfo: '/oidc/userinfo',
      device_authorization: '/oauth2/v2.0/devicecode',
      // Entra sends people to microsoft.com/devicelogin; the mock's page lives under the tenant.
      code_verification: '/devicelogin',
    },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      openid: ['sub', 'oid', 'tid', 'ver', 'aio', 'rh', 'uti'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
    },
    conformIdTokenClaims: false,
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) => pairwiseSubject(accountId, client.clientId),
    // Entra demands PKCE from public clients only; confidential web apps may redeem a code without it.
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    // Entra returns a refresh token with every authorization code a client may refresh with (v1 always, v2
    // for offline_access, which MSAL always asks for); oidc-provider would also want prompt=consent
    // before it keeps offline_access (OpenID Connect Core 1.0 §11).
    issueRefreshToken: async (ctx, client, source) =>
      client.grantTypeAllowed('refresh_token') && (source.scopes.has('offline_access') || ctx.oidc.params?.grant_type === 'authorization_code'),
    // Called once a refresh token has been found valid, so it is where a revoked user's refresh token is
    // refused (Entra's AADSTS50173 after "revoke sign-in sessions"); the rotation rule is oidc-provider's default.
    rotateRefreshToken: (ctx) => {
      const { RefreshToken: refreshToken, Client: client } = ctx.oidc.entities;
      const notBefore = refreshToken?.accountId ? runtime.revocations.userNotBefore(refreshToken.accountId) : undefined;
      if (refreshToken && notBefore !== undefined && Number(refreshToken.iat) + runtime.clockOffsetSeconds < notBefore) {
        failWith(ctx, {
          code: 50173,
          error: 'invalid_grant',
          suberror: 'bad_token',
          description: 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued before the user\'s sign-in sessions were revoked.',
        }, new errors.InvalidGrant('the user\'s sessions were revoked after this refresh token was issued'));
      }
      if (!refreshToken || !client) return false;
      if (refreshToken.totalLifetime() >= 365.25 * 24 * 60 * 60) return false;
      if (client.clientAuthMethod === 'none' && !refreshToken.isSenderConstrained()) return true;
      return refreshToken.ttlPercentagePassed() >= 70;
    },
    ttl: {
      IdToken: options.idTokenLifetimeSeconds,
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 3600,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 3600,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 24 * 3600,
      AuthorizationCode: 300,
      DeviceCode: options.deviceCode.lifetimeSeconds,
    },
    interactions: { url: (_ctx, interaction) => `/${tenant.id}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      deviceFlow: {
        enabled: true,
        // Entra's user codes are nine letters and digits without separators.
        charset: 'base-20',
        mask: '*********',
        ...deviceFlowPages,
      },
      resourceIndicators: {
        enabled: true,
        // Entra has no `resource` parameter on v2: the resource is the prefix of the requested scopes.
        defaultResource: async (ctx) => {
          const scopes = String(ctx.oidc.params?.scope ?? '').split(' ').filter(Boolean);
          const resources = [...new Set(scopes.map(resourceOfScope).filter((r): r is string => !!r))];
          if (resources.length > 1) {
            failWith(ctx, {
              code: 700022,
              error: 'invalid_scope',
              description: `The provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scopes.join(' ')} is not valid.`,
            }, new errors.InvalidScope('scopes of more than one resource', scopes.join(' ')));
          }
          if (resources.length === 0 && ctx.oidc.params?.grant_type === 'client_credentials') {
            notDotDefault(ctx, scopes.join(' ') || '(empty)');
          }
          return resources[0];
        },
        useGrantedResource: async () => true,
        getResourceServerInfo: resourceServerInfo,
      },
      rpInitiatedLogout: { enabled: true },
    },
    findAccount: async (_ctx, sub) => {
      const user = userByOid.get(sub);
      if (!user) return undefined;
      return { accountId: user.oid, claims: async () => accountClaims(tenant, user) };
    },
    formats: {
      customizers: {
        // Replaces oidc-provider's RFC 9068 claim set with Entra's (access-token-claims-reference.md).
        jwt: async (ctx, token, jwt) => {
          const api = apiByAudience.get(String(jwt.payload.aud));
          const client = clientById.get(token.clientId!);
          if (!api || !client) return;
          const user = 'accountId' in token && token.accountId ? userByOid.get(token.accountId as string) : undefined;
          // v1 tokens carry the resource back as the client named it: the resource indicator it was granted under.
          const indicator = token.resourceServer?.identifier() ?? String(ctx.oidc.params?.scope ?? '').split(' ').map(resourceOfScope).find(Boolean);
          const granted = String(token.scope ?? '').split(' ').filter(Boolean);
          const delegated = granted.map((s) => s.slice(s.lastIndexOf('/') + 1)).filter((s) => api.scopes.includes(s));
          const iat = Number(jwt.payload.iat) + runtime.clockOffsetSeconds;
          const claims = accessTokenClaims({
            tenant,
            issuers: runtime.issuers,
            api,
            client,
            user,
            scopes: delegated,
            requestedAs: indicator ? resourceAsRequested(indicator) : api.appIdUri,
            clientAuth: client.public ? 0 : client.secret ? 1 : 2,
            now: iat,
            lifetimeSeconds: Number(jwt.payload.exp) - Number(jwt.payload.iat),
            capabilities: clientCapabilities(requestContext(ctx?.req)?.claims),
          });
          // Overrides set through the control API apply here, to tokens from the real endpoints only (the forge has its own recipe).
          jwt.payload = runtime.claimOverrides.apply(claims.payload, { clientId: client.clientId, userOid: user?.oid });
          const kid = runtime.keys.primary().kid;
          jwt.header = claims.version === 1 ? { typ: 'JWT', x5t: kid, kid } : { typ: 'JWT', kid };
        },
      },
    },
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    renderError: async (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  };

  const provider = new Provider(runtime.issuers.v2, config);
  provider.proxy = true;
  const userTokens = { resourceServer: resourceServerInfo, accountClaims: (user: User) => accountClaims(tenant, user) };
  provider.registerGrantType(JWT_BEARER, onBehalfOfGrant(runtime, userTokens), ON_BEHALF_OF_PARAMETERS);
  provider.registerGrantType('password', passwordGrant(runtime, userTokens), PASSWORD_PARAMETERS);
  // Entra's authorization responses carry code and state but not RFC 9207's iss (its discovery documents do
  // not advertise authorization_response_iss_parameter_supported); a v1 client would also find the v2
  // issuer there. oidc-provider emits the response parameters before it sends them.
  // (The typings list this event without the parameters; the device flow emits it without them.)
  (provider as unknown as EventEmitter).on('authorization.success', (_ctx: unknown, out?: Record<string, unknown>) => {
    if (out) delete out.iss;
  });
  // oidc-provider hides why client authentication failed behind a generic description; keep the detail
  // so the reshaped Entra error can name the right AADSTS code.
  provider.on('grant.error', (ctx, err: Error & { error_detail?: string }) => {
    ctx.state.oidcErrorDetail = err.error_detail ?? err.message;
  });
  // Reshape responses and errors into Entra's form (reference-error-codes.md) on the way out.
  provider.use(async (koaCtx, next) => {
    await next();
    const ctx = koaCtx as KoaContextWithOIDC;
    const route = ctx.oidc?.route;
    if (ctx.status === 404 && (ctx.body === undefined || ctx.body === null)) {
      ctx.body = failureBody({ code: 9002313, error: 'invalid_request', description: `Invalid request. Request is malformed or invalid: this mock serves no ${ctx.method} ${ctx.path} for tenant ${tenant.domain}.` });
      ctx.status = 404;
      return;
    }
    if ((route !== 'token' && route !== 'device_authorization') || !ctx.body || typeof ctx.body !== 'object') return;
    const body = ctx.body as Record<string, unknown>;
    if (typeof body.error === 'string') {
      const failure = (ctx.state.entra as EntraFailure | undefined) ?? translateError(body, ctx, tenant);
      ctx.body = failureBody(failure);
      ctx.status = failureStatus(failure);
      return;
    }
    if (route === 'device_authorization') {
      devices.record({
        deviceCode: String(body.device_code),
        userCode: String(body.user_code),
        clientId: ctx.oidc.client!.clientId,
        scope: String(ctx.oidc.params?.scope ?? ''),
        expiresAt: Date.now() + Number(body.expires_in) * 1000,
      });
      ctx.body = entraDeviceAuthorization(body, options.deviceCode.intervalSeconds);
      return;
    }
    const grantType = ctx.oidc.params?.grant_type;
    if (grantType === DEVICE_CODE_GRANT) devices.redeemed(String(ctx.oidc.params?.device_code));
    if (typeof body.expires_in === 'number') body.ext_expires_in = body.expires_in;
    if (grantType === 'client_credentials') delete body.scope;
    const context = requestContext(ctx.req);
    const accountId = ctx.oidc.entities.AccessToken?.accountId;
    // MSAL asks for client_info (its account key): the user's object id and tenant, base64url JSON.
    if (context?.clientInfo && accountId) body.client_info = Buffer.from(JSON.stringify({ uid: accountId, utid: tenant.id })).toString('base64url');
    if (typeof body.id_token === 'string' && ctx.oidc.client?.subjectType === 'public') body.id_token = await pairwiseIdToken(runtime, body.id_token);
    if (context?.endpointVersion === 1) {
      ctx.body = await v1TokenResponse(runtime, body, context.resource ?? ctx.oidc.entities.AccessToken?.resourceServer?.identifier());
    }
  });
  return provider;
}

/** AADSTS1002012: client credentials take only `{resource}/.default` scopes. */
function notDotDefault(ctx: KoaContextWithOIDC, scope: string): never {
  return failWith(ctx, {
    code: 1002012,
    error: 'invalid_scope',
    description: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }, new errors.InvalidScope('client credentials need {resource}/.default', scope));
}

function translateError(body: Record<string, unknown>, ctx: KoaContextWithOIDC, tenant: Tenant): EntraFailure {
  const description = `${String(body.error_description ?? '')} ${String(ctx.state.oidcErrorDetail ?? '')}`;
  const clientId = String(ctx.oidc.params?.client_id ?? ctx.oidc.client?.clientId ?? '');
  const grantType = ctx.oidc.params?.grant_type;
  if (body.error === 'invalid_client' && /client not found/.test(description)) {
    return {
      code: 700016,
      error: 'unauthorized_client',
      description: `Application with identifier '${clientId}' was not found in the directory '${tenant.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    };
  }
  if (body.error === 'invalid_client' && /secret/.test(description)) {
    return {
      code: 7000215,
      error: 'invalid_client',
      description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    };
  }
  if (body.error === 'invalid_client' && /assertion|signature|jwt/i.test(description)) {
    return { code: 700027, error: 'invalid_client', description: `Client assertion failed signature validation. (${description})` };
  }
  if (body.error === 'invalid_client') {
    return { code: 7000218, error: 'invalid_client', description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." };
  }
  if (body.error === 'invalid_request' && /grant type is not allowed/.test(description)) {
    // Entra treats an app without "Allow public client flows" as confidential, so it misses the credential.
    if (ctx.oidc.client?.clientAuthMethod === 'none') {
      return { code: 7000218, error: 'invalid_client', description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'. (The application does not allow public client flows.)" };
    }
    return { code: 70003, error: 'unauthorized_client', description: `The application '${clientId}' may not use the grant type ${String(grantType)}.` };
  }
  if (body.error === 'invalid_request' && /missing required parameter/.test(description)) {
    const param = /'([^']+)'/.exec(description)?.[1] ?? description.replace(/.*parameter\(?s?\)?\s*/, '');
    return { code: 900144, error: 'invalid_request', description: `The request body must contain the following parameter: '${param}'.` };
  }
  if (body.error === 'authorization_pending') {
    return { code: 70016, error: 'authorization_pending', description: 'The provided request has not yet been authorized by the user. The user must input their code.' };
  }
  if (body.error === 'expired_token') {
    return { code: 70020, error: 'expired_token', description: "The provided value for the input parameter 'device_code' is not valid. This device code has expired." };
  }
  if (grantType === DEVICE_CODE_GRANT && body.error === 'access_denied') {
    return { code: 65004, error: 'authorization_declined', description: `The end user denied the authorization request. ${String(body.error_description ?? '')}`.trim() };
  }
  if (grantType === DEVICE_CODE_GRANT && body.error === 'invalid_grant' && /not found|invalid/.test(description)) {
    return { code: 70018, error: 'bad_verification_code', description: "The provided value for the input parameter 'device_code' was not recognized." };
  }
  if (body.error === 'invalid_scope' || body.error === 'invalid_target') {
    return { code: 70011, error: 'invalid_scope', description: `The provided value for the input parameter 'scope' isn't valid. (${description})` };
  }
  if (body.error === 'invalid_grant') {
    return { code: 70008, error: 'invalid_grant', description: `The provided authorization code or refresh token has expired due to inactivity, or is otherwise invalid. (${description})` };
  }
  if (body.error === 'unsupported_grant_type') {
    return { code: 70003, error: 'unsupported_grant_type', description: 'The app requested an unsupported grant type.' };
  }
  return { code: 50000, error: String(body.error), description: `There was an error issuing a token. (${description})` };
}

/** Koa handler for a provider mounted under a path prefix; oidc-provider derives its URLs from `originalUrl`. */
export function mountedCallback(provider: Provider) {
  const callback = provider.callback();
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, prefix: string) => {
    req.originalUrl = req.url;
    req.url = req.url!.slice(prefix.length) || '/';
    return callback(req, res);
  };
}
