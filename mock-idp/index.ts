import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { resolveMockIdpConfig, MockIdpConfigError, type MockIdpConfig } from './config.ts';
import { ControlState } from './control/control-state.ts';
import { createLocalTls } from './keys/local-tls.ts';
import { TlsFaultListeners } from './control/tls-fault-listeners.ts';
import type { KeyStore } from './keys/key-store.ts';
import { createRouter, preloadRouter } from './server.ts';
import { createTenantRuntime, findTenant, type TenantRuntime } from './tenant-runtime.ts';
import { loadTenants } from './tenants/load-tenants.ts';
import { entraErrorBody } from './entra/entra-error.ts';
import type { MintResult, TokenRecipe } from './mint/token-recipe.ts';
import type { Revocation } from './cae/revocations.ts';

export { MockIdpConfigError, type MockIdpConfig } from './config.ts';
export { TenantConfigError } from './tenants/tenant-config-error.ts';
export type { TenantRuntime } from './tenant-runtime.ts';
export type { Tenant } from './tenants/tenant-schema.ts';
export type { MintResult, TokenRecipe, ResolvedTokenRecipe } from './mint/token-recipe.ts';
export type { Fault, FaultRequest, Endpoint } from './control/fault-schema.ts';
export type { KeyStore } from './keys/key-store.ts';
export type { Revocation } from './cae/revocations.ts';
export { ControlState } from './control/control-state.ts';
export { createLocalTls, type LocalTls } from './keys/local-tls.ts';
export { TlsFaultListeners, WRONG_HOST_NAME } from './control/tls-fault-listeners.ts';
export type { TlsFaultCertificate } from './control/fault-schema.ts';
export { VARIANTS, findVariant, type TokenVariant } from './mint/variants.ts';
export { MintError } from './mint/mint-error.ts';
export { TokenRecipeSchema } from './mint/token-recipe.ts';
// The forge without a server (gatecheck mint, token pools, benchmarks): tenants, runtimes, mint.
export { mint } from './mint/mint.ts';
export { loadTenants, loadTenantFile } from './tenants/load-tenants.ts';
export { createTenantRuntime, findTenant } from './tenant-runtime.ts';
// The msw face (`mockIdpHandlers`) is its own entry point, mock-idp/msw.ts, so starting the mock never loads msw.

export interface TenantInfo {
  name: string;
  id: string;
  domain: string;
  /** v2 issuer; `issuerV1` for v1 tokens (APIs with accessTokenAcceptedVersion 1). */
  issuer: string;
  issuerV1: string;
  discoveryUrl: string;
  discoveryUrlV1: string;
  jwksUri: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  /** gatecheck's revocation list for continuous access evaluation (a stand-in, not an Entra endpoint). */
  revocationList: string;
  /** App Service's and IMDS's managed-identity token endpoints for this tenant. */
  managedIdentityEndpoints: { appService: string; imds: string; imdsAuthorityHost: string; identityHeader: string };
}

export interface MockIdp {
  /** Base URL, e.g. http://127.0.0.1:9400 */
  url: string;
  tenants: TenantInfo[];
  /** Path of the local CA certificate when serving HTTPS. */
  caPath?: string;
  caPem?: string;
  /** By name, GUID or domain; throws for an unknown tenant. */
  tenant(ref: string): TenantInfo;
  keys(ref: string): KeyStore;
  runtime(ref: string): TenantRuntime;
  /** The broken-token forge: the same result as `POST /_admin/tenants/{tenant}/tokens`. Default tenant: the first. */
  mint(recipe: TokenRecipe): Promise<MintResult>;
  /** Faults and the request log: the same state the control API changes. */
  control: ControlState;
  /**
   * Revokes a user's sign-in sessions (by UPN or object id) or one session (by `sid`), as the control
   * API's `POST …/users/{user}/revoke` and `…/sessions/{sid}/revoke` do. `propagationSeconds`: how
   * long a gateway honouring the revocation list's caching may take to see it.
   */
  revoke(tenant: string, target: { user: string } | { sid: string }): { revocation: Revocation; propagationSeconds: number };
  /**
   * HTTPS listeners with untrusted certificates (self-signed, wrong host) that the `rewrite` discovery
   * fault can move `jwks_uri` to; `tlsFaults.ca()` is the CA a client should trust (the mock's own under --tls).
   */
  tlsFaults: TlsFaultListeners;
  close(): Promise<void>;
}

function info(rt: TenantRuntime): TenantInfo {
  return {
    name: rt.tenant.name,
    id: rt.tenant.id,
    domain: rt.tenant.domain,
    issuer: rt.issuers.v2,
    issuerV1: rt.issuers.v1,
    discoveryUrl: rt.urls.discoveryV2,
    discoveryUrlV1: rt.urls.discoveryV1,
    jwksUri: rt.urls.jwksV2,
    tokenEndpoint: rt.urls.token,
    authorizationEndpoint: rt.urls.authorize,
    revocationList: rt.urls.revocations,
    managedIdentityEndpoints: { appService: rt.urls.appServiceIdentity, imds: rt.urls.imdsIdentity, imdsAuthorityHost: rt.urls.imdsAuthorityHost, identityHeader: rt.identityHeader },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (e.code === 'EADDRINUSE') reject(new MockIdpConfigError(`port ${port} on ${host} is already in use`, { port }));
      else if (e.code === 'EACCES') reject(new MockIdpConfigError(`not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`, { port }));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new MockIdpConfigError(`cannot listen on host ${host}: no such local address`));
      else reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function saveKeys(dir: string, runtimes: TenantRuntime[]): void {
  mkdirSync(dir, { recursive: true });
  const files = runtimes.map((rt) => ({ rt, file: join(dir, `${rt.tenant.name}.pem`) }));
  const existing = files.find((f) => existsSync(f.file));
  if (existing) throw new MockIdpConfigError(`--save-keys: ${existing.file} already exists; remove it or choose another directory (keys are never overwritten)`);
  for (const { rt, file } of files) {
    writeFileSync(file, rt.keys.primary().privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
}

/**
 * Starts a Microsoft Entra ID–compatible OpenID provider: one oidc-provider per tenant behind Entra's
 * paths and documents, plus the control API under /_admin.
 */
export async function createMockIdp(input: MockIdpConfig = {}): Promise<MockIdp> {
  const config = resolveMockIdpConfig(input);
  const tenants = loadTenants(config.tenants);
  const control = new ControlState();
  let handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => {
    res.writeHead(503, { 'retry-after': '1' }).end();
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).catch((e: Error) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(entraErrorBody(50000, 'server_error', `The mock failed to handle the request: ${e.message}`)));
    });
  };
  const tls = config.tls ? await createLocalTls() : undefined;
  let caPath: string | undefined;
  /** A temp dir this instance made for the CA file, removed on close; a --tls-dir is the user's to keep. */
  let ownTlsDir: string | undefined;
  if (tls) {
    ownTlsDir = config.tlsDir ? undefined : mkdtempSync(join(tmpdir(), 'gatecheck-tls-'));
    const dir = config.tlsDir ?? ownTlsDir!;
    mkdirSync(dir, { recursive: true });
    caPath = join(dir, 'ca.crt');
    writeFileSync(caPath, tls.caPem);
  }
  const tlsFaults = new TlsFaultListeners(onRequest, config.host, tls);
  const server = tls ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, onRequest) : createHttpServer(onRequest);
  // Faults such as `timeout` hold requests open; nothing else should keep a socket alive for long.
  server.keepAliveTimeout = 5_000;
  await listen(server, config.port, config.host);

  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const baseUrl = (config.publicUrl ?? `${tls ? 'https' : 'http'}://${host}:${port}`).replace(/\/$/, '');
  try {
    const runtimes = await Promise.all(
      tenants.map((t) => createTenantRuntime(t, {
        baseUrl,
        issuerStyle: config.issuerStyle,
        keysDir: config.keysDir,
        lifetime: config.tokenLifetimeSeconds,
        identityHeader: config.identityHeader,
      })),
    );
    if (config.saveKeysDir) saveKeys(config.saveKeysDir, runtimes);
    // The forge and the control API load on first use (start-up time); see preloadRouter.
    const mint = async (recipe: TokenRecipe) => (await import('./mint/mint-with-tenants.ts')).mintWithTenants(runtimes, recipe);
    const lookup = (ref: string) => {
      const rt = findTenant(runtimes, ref);
      if (!rt) throw new MockIdpConfigError(`unknown tenant "${ref}"; known: ${runtimes.map((r) => r.tenant.name).join(', ')}`);
      return rt;
    };
    handler = createRouter({
      baseUrl,
      issuerStyle: config.issuerStyle,
      tenants: runtimes,
      state: control,
      idTokenLifetimeSeconds: config.idTokenLifetimeSeconds,
      deviceCode: config.deviceCode,
      adminToken: config.adminToken,
      revocationListMaxAgeSeconds: config.revocationListMaxAgeSeconds,
      tlsFaults,
      admin: async (req, res) => (await import('./control/admin-routes.ts')).handleAdmin({ state: control, tenants: runtimes, mint, revocationListMaxAgeSeconds: config.revocationListMaxAgeSeconds }, req, res),
    });
    // Warm what loads on first use while nobody is asking yet; a failure resurfaces at that first use.
    void Promise.all([preloadRouter(), import('./control/admin-routes.ts'), import('./mint/mint-with-tenants.ts')]).catch(() => undefined);

    return {
      url: baseUrl,
      tenants: runtimes.map(info),
      caPath,
      caPem: tls?.caPem,
      tenant: (ref) => info(lookup(ref)),
      keys: (ref) => lookup(ref).keys,
      runtime: lookup,
      mint,
      control,
      revoke: (ref, target) => {
        const rt = lookup(ref);
        if ('sid' in target) return { revocation: rt.revocations.revokeSession(target.sid, rt.now()), propagationSeconds: config.revocationListMaxAgeSeconds };
        const want = target.user.toLowerCase();
        const user = rt.tenant.users.find((u) => u.upn.toLowerCase() === want || u.oid === want);
        if (!user) throw new MockIdpConfigError(`tenant ${rt.tenant.name} has no user ${target.user}`);
        return { revocation: rt.revocations.revokeUser(user, rt.now()), propagationSeconds: config.revocationListMaxAgeSeconds };
      },
      tlsFaults,
      close: async () => {
        control.close();
        if (ownTlsDir) rmSync(ownTlsDir, { recursive: true, force: true });
        await Promise.all([
          tlsFaults.close(),
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
        ]);
      },
    };
  } catch (e) {
    control.close();
    void tlsFaults.close();
    server.close();
    server.closeAllConnections();
    throw e;
  }
}
