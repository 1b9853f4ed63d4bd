import { readFileSync } from 'node:fs';
import type { AdapterInput, GatewayAdapter } from '../adapters/gateway-adapter.ts';
import { ordersProfile, RSA_ALGORITHMS } from '../adapters/orders-profile.ts';
import { upstreamHostPort } from '../process/gateway-options.ts';
import type { TargetProfile } from '../target.ts';
import { apimSelfHostedEnv } from './apim-self-hosted-config.ts';
import { ContainerUnavailableError } from './container-unavailable-error.ts';
import { envoyConfig } from './envoy-config.ts';
import { kongConfig } from './kong-config.ts';
import { dockerUnavailableReason, startContainerGateway } from './start-container-gateway.ts';

export const ENVOY_IMAGE = 'envoyproxy/envoy:v1.31-latest';
export const KONG_IMAGE = 'kong:3.7';
export const APIM_IMAGE = 'mcr.microsoft.com/azure-api-management/gateway:v2';

export function envoyProfile(input: AdapterInput): TargetProfile {
  return ordersProfile({
    name: 'envoy',
    issuer: input.issuer,
    audience: input.audience,
    keySource: 'jwks',
    jwksUri: input.jwksUri,
    algorithms: RSA_ALGORITHMS,
    // require_expiration is set (Envoy's default is false); no kid → every key is tried.
    token: { requireExp: true, kidAbsent: 'try-all' },
    // jwt_authn's default clock_skew_seconds.
    clockSkewSeconds: 60,
    // cache_duration; no refetch on an unknown kid (acknowledged TODO in authenticator.cc).
    jwks: { refreshSeconds: 600, unknownKidCooldownSeconds: 600, staleIfErrorSeconds: 0 },
    features: ['rfc6750-challenges'],
  });
}

export function kongProfile(input: AdapterInput): TargetProfile {
  const profile = ordersProfile({
    name: 'kong',
    issuer: input.issuer,
    audience: input.audience,
    keySource: 'static',
    // claims_to_verify exp (and nbf); the plugin never looks at aud, and the issuer only picks the credential.
    token: { requireExp: true, kidAbsent: 'try-all', checkAudience: false },
    clockSkewSeconds: 0,
    features: [],
  });
  // The jwt plugin has no role or scope check: the routes require a valid token only.
  return { ...profile, routes: profile.routes.map(({ require: _require, ...r }) => r) };
}

export function apimProfile(input: AdapterInput): TargetProfile {
  const profile = ordersProfile({
    name: 'apim-self-hosted',
    issuer: input.issuer,
    audience: input.audience,
    keySource: 'jwks',
    jwksUri: input.jwksUri,
    algorithms: ['RS256', 'RS512', 'PS256'],
    token: { requireExp: true, kidAbsent: 'try-all' },
    // validate-jwt's default clock-skew.
    clockSkewSeconds: 0,
    features: [],
  });
  return { ...profile, routes: profile.routes.map((r) => (r.require ? { ...r, require: { ...r.require, claims: ['roles'] } } : r)) };
}

function jwksParts(uri: string): { host: string; port: number; path: string; tls: boolean } {
  const u = new URL(uri);
  return { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)), path: u.pathname, tls: u.protocol === 'https:' };
}

/** Envoy jwt_authn + RBAC in a container (testcontainers). */
export const envoyAdapter: GatewayAdapter = {
  name: 'envoy',
  binary: 'docker',
  requiredFiles: [],
  profile: envoyProfile,
  async start(input) {
    const profile = envoyProfile(input);
    const gateway = await startContainerGateway((port) => ({
      image: ENVOY_IMAGE,
      files: [
        { content: envoyConfig({ profile, port, upstream: upstreamHostPort(input.upstream), jwks: jwksParts(input.jwksUri) }), target: '/etc/envoy/envoy.yaml' },
        { content: readFileSync(input.caFile, 'utf8'), target: '/etc/envoy/ca.pem' },
      ],
    }));
    return { url: gateway.url, pid: 0, port: gateway.port, profile, logs: gateway.logs, stop: gateway.stop };
  },
};

/** Kong OSS, DB-less, with the jwt plugin, in a container. */
export const kongAdapter: GatewayAdapter = {
  name: 'kong',
  binary: 'docker',
  requiredFiles: [],
  profile: kongProfile,
  async start(input) {
    const profile = kongProfile(input);
    const gateway = await startContainerGateway((port) => ({
      image: KONG_IMAGE,
      files: [{ content: kongConfig({ profile, upstream: upstreamHostPort(input.upstream), publicKeyPem: input.publicKeyPems[0] }), target: '/kong/kong.yml' }],
      env: { KONG_DATABASE: 'off', KONG_DECLARATIVE_CONFIG: '/kong/kong.yml', KONG_PROXY_LISTEN: `127.0.0.1:${port}`, KONG_ADMIN_LISTEN: 'off' },
    }));
    return { url: gateway.url, pid: 0, port: gateway.port, profile, logs: gateway.logs, stop: gateway.stop };
  },
};

/**
 * The Azure API Management self-hosted gateway. It takes its configuration (the validate-jwt policy
 * from apimSelfHostedPolicy) from an APIM instance: without GATECHECK_APIM_ENDPOINT and
 * GATECHECK_APIM_TOKEN there is nothing it could run.
 */
export const apimSelfHostedAdapter: GatewayAdapter = {
  name: 'apim-self-hosted',
  binary: 'docker',
  requiredFiles: [],
  profile: apimProfile,
  async start(input) {
    const profile = apimProfile(input);
    const docker = await dockerUnavailableReason();
    if (docker) throw new ContainerUnavailableError(docker);
    const endpoint = process.env.GATECHECK_APIM_ENDPOINT;
    const token = process.env.GATECHECK_APIM_TOKEN;
    if (!endpoint || !token) {
      throw new ContainerUnavailableError(
        'the self-hosted gateway loads its configuration from an Azure API Management instance: set GATECHECK_APIM_ENDPOINT and GATECHECK_APIM_TOKEN, and import the policy from apimSelfHostedPolicy()',
      );
    }
    const gateway = await startContainerGateway((port) => ({
      image: APIM_IMAGE,
      files: [],
      env: { ...apimSelfHostedEnv(endpoint, token), 'net.server.http.port': String(port) },
    }));
    return { url: gateway.url, pid: 0, port: gateway.port, profile, logs: gateway.logs, stop: gateway.stop };
  },
};

export const CONTAINER_ADAPTERS: Record<string, GatewayAdapter> = { envoy: envoyAdapter, kong: kongAdapter, 'apim-self-hosted': apimSelfHostedAdapter };
