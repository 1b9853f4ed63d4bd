import { createPublicKey, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
// The in-memory adapter is right for a mock; passing it explicitly keeps oidc-provider from warning about it on stderr.
// @ts-expect-error -- deep import without type declarations
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';
import { accessTokenClaims, opaque, pairwiseSubject } from './entra/access-token-claims.ts';
import { entraErrorBody, type EntraErrorCode } from './entra/entra-error.ts';
import type { TenantRuntime } from './tenant-runtime.ts';
import type { Api, Client, Tenant } from './tenants/tenant-schema.ts';

/** Resource indicators must be absolute URIs; a resource requested by its bare app id gets this synthetic form. */
const APP_ID_RESOURCE = 'urn:gatecheck:app-id:';

/** Why a token request failed, in Entra's vocabulary; set before throwing so the response can be reshaped. */
interface EntraFailure {
  code: EntraErrorCode;
  error: string;
  description: string;
}

function failWith(ctx: KoaContextWithOIDC, failure: EntraFailure, thrown: Error): never {
  ctx.state.entra = failure;
  throw thrown;
}

/** AADSTS1002012: client credentials take only `{resource}/.default` scopes. */
function notDotDefault(ctx: KoaContextWithOIDC, scope: string): never {
  return failWith(ctx, {
    code: 1002012,
    error: 'invalid_scope',
    description: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }, new errors.InvalidScope('client credentials need {resource}/.default', scope));
}

/** The resource named by a scope value: `api://orders-api/Orders.Read` → `api://orders-api`, `{guid}/.default` → the app. */
function resourceOfScope(scope: string): string | undefined {
  const i = scope.lastIndexOf('/');
  if (i <= 0) return undefined;
  const prefix = scope.slice(0, i);
  return /^[0-9a-f-]{36}$/i.test(prefix) ? `${APP_ID_RESOURCE}${prefix.toLowerCase()}` : prefix;
}

function apiForResource(tenant: Tenant, resource: string): Api | undefined {
  if (resource.startsWith(APP_ID_RESOURCE)) return tenant.apis.find((a) => a.appId === resource.slice(APP_ID_RESOURCE.length));
  const trimmed = resource.replace(/\/$/, '');
  return tenant.apis.find((a) => a.appIdUri === trimmed || a.appIdUri === resource);
}

function clientMetadata(c: Client) {
  if (c.public) {
    return {
      client_id: c.clientId,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: c.redirectUris,
      subject_type: 'pairwise',
    };
  }
  const interactive = c.redirectUris.length > 0;
  return {
    client_id: c.clientId,
    ...(c.secret
      ? { client_secret: c.secret, token_endpoint_auth_method: 'client_secret_post' }
      : {
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ ...createPublicKey(c.certificatePem!).export({ format: 'jwk' }), use: 'sig' }] },
        }),
    grant_types: interactive ? ['client_credentials', 'authorization_code', 'refresh_token'] : ['client_credentials'],
    response_types: interactive ? ['code'] : [],
    redirect_uris: c.redirectUris,
    subject_type: 'pairwise',
  };
}

/**
 * One oidc-provider instance for one tenant, mounted under `/{tenant id}`. oidc-provider computes its
 * keystore once at construction, so the mock builds a new instance whenever the tenant's keys change
 * (the default memory adapter is module-wide, so codes and refresh tokens survive the rebuild).
 */
export function buildProvider(runtime: TenantRuntime, idTokenLifetimeSeconds: number): Provider {
  const { tenant } = runtime;
  const clientById = new Map(tenant.clients.map((c) => [c.clientId, c]));
  const apiByAudience = new Map(tenant.apis.map((a) => [a.appId, a]));
  const userByOid = new Map(tenant.users.map((u) => [u.oid, u]));

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
    pkce: { required: () => true },
    ttl: {
      IdToken: idTokenLifetimeSeconds,
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 3600,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 3600,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AuthorizationCode: 300,
    },
    interactions: { url: (_ctx, interaction) => `/${tenant.id}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
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
        getResourceServerInfo: async (ctx, resource) => {
          const api = apiForResource(tenant, resource);
          if (!api) {
            failWith(ctx, {
              code: 500011,
              error: 'invalid_resource',
              description: `The resource principal named ${resource.replace(APP_ID_RESOURCE, '')} was not found in the tenant named ${tenant.domain}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
            }, new errors.InvalidTarget());
          }
          const requested = resource.startsWith(APP_ID_RESOURCE) ? api.appId : resource;
          const scopes = [...api.scopes, '.default'].map((s) => `${requested}/${s}`);
          if (ctx.oidc.params?.grant_type === 'client_credentials') {
            const requestedScopes = String(ctx.oidc.params.scope ?? '').split(' ').filter(Boolean);
            const bad = requestedScopes.find((s) => !s.endsWith('/.default'));
            if (bad) notDotDefault(ctx, bad);
          }
          return {
            scope: scopes.join(' '),
            audience: api.appId,
            accessTokenFormat: 'jwt',
            accessTokenTTL: runtime.accessTokenLifetime(),
            jwt: { sign: { alg: 'RS256', kid: runtime.keys.primary().kid } },
          };
        },
      },
      rpInitiatedLogout: { enabled: true },
    },
    findAccount: async (_ctx, sub) => {
      const user = userByOid.get(sub);
      if (!user) return undefined;
      return {
        accountId: user.oid,
        claims: async () => ({
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
        }),
      };
    },
    formats: {
      customizers: {
        // Replaces oidc-provider's RFC 9068 claim set with Entra's (access-token-claims-reference.md).
        jwt: async (ctx, token, jwt) => {
          const api = apiByAudience.get(String(jwt.payload.aud));
          const client = clientById.get(token.clientId!);
          if (!api || !client) return;
          const user = 'accountId' in token && token.accountId ? userByOid.get(token.accountId as string) : undefined;
          const requested = String(ctx.oidc.params?.scope ?? '').split(' ').map(resourceOfScope).find(Boolean);
          const prefix = requested?.startsWith(APP_ID_RESOURCE) ? api.appId : (requested ?? api.appIdUri);
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
            requestedAs: prefix,
            clientAuth: client.public ? 0 : client.secret ? 1 : 2,
            now: iat,
            lifetimeSeconds: Number(jwt.payload.exp) - Number(jwt.payload.iat),
          });
          jwt.payload = claims.payload;
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
  // oidc-provider hides why client authentication failed behind a generic description; keep the detail
  // so the reshaped Entra error can name the right AADSTS code.
  provider.on('grant.error', (ctx, err: Error & { error_detail?: string }) => {
    ctx.state.oidcErrorDetail = err.error_detail ?? err.message;
  });
  // Reshape token responses and errors into Entra's form (reference-error-codes.md) on the way out.
  provider.use(async (koaCtx, next) => {
    await next();
    const ctx = koaCtx as KoaContextWithOIDC;
    if (ctx.oidc?.route !== 'token' || !ctx.body || typeof ctx.body !== 'object') return;
    const body = ctx.body as Record<string, unknown>;
    if (typeof body.error === 'string') {
      const failure = (ctx.state.entra as EntraFailure | undefined) ?? translateError(body, ctx, tenant);
      ctx.body = entraErrorBody(failure.code, failure.error, failure.description);
      // Entra answers an unknown application with 400 (unauthorized_client), a bad credential with 401.
      if (failure.error !== 'invalid_client') ctx.status = 400;
      return;
    }
    if (typeof body.expires_in === 'number') body.ext_expires_in = body.expires_in;
    if (ctx.oidc.params?.grant_type === 'client_credentials') delete body.scope;
  });
  return provider;
}

function translateError(body: Record<string, unknown>, ctx: KoaContextWithOIDC, tenant: Tenant): EntraFailure {
  const description = `${String(body.error_description ?? '')} ${String(ctx.state.oidcErrorDetail ?? '')}`;
  const clientId = String(ctx.oidc.params?.client_id ?? ctx.oidc.client?.clientId ?? '');
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
  if (body.error === 'invalid_request' && /missing required parameter/.test(description)) {
    const param = /'([^']+)'/.exec(description)?.[1] ?? description.replace(/.*parameter\(?s?\)?\s*/, '');
    return { code: 900144, error: 'invalid_request', description: `The request body must contain the following parameter: '${param}'.` };
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
