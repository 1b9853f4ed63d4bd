import { startApache } from '../apache/start-apache.ts';
import { checkConfigValue, type GatewayOptions } from '../process/gateway-options.ts';
import type { RunningGateway } from '../process/start-gateway-process.ts';

export const MOD_OAUTH2 = '/usr/lib/apache2/modules/mod_oauth2.so';

export interface ApacheOauth2Options extends GatewayOptions {
  jwksUri: string;
  /**
   * liboauth2 1.4.5 has no CA-bundle option, so a JWKS on a local self-signed certificate needs
   * `false`. Default true: turning verification off must be a visible choice.
   */
  sslVerify?: boolean;
}

/** Apache + mod_oauth2 3.3.1 (`OAuth2TokenVerify`, `Require oauth2_claim`: mod_oauth2 and liboauth2 READMEs). */
export function startApacheOauth2(options: ApacheOauth2Options): Promise<RunningGateway> {
  const jwksUri = checkConfigValue('jwksUri', options.jwksUri);
  const issuer = checkConfigValue('issuer', options.issuer);
  const audience = checkConfigValue('audience', options.audience);
  const role = checkConfigValue('requiredRole', options.requiredRole);
  const verifyOptions = [
    `jwks_uri.ssl_verify=${options.sslVerify ?? true}`,
    'jwks_uri.cache=jwks',
    'cache=results',
    // Required: with the defaults a token with no exp is accepted.
    'verify.exp=required',
    // The issuer is checked by the Require rule below instead.
    'verify.iss=skip',
  ].join('&');
  return startApache(options, {
    name: 'apache-oauth2',
    modules: [['oauth2_module', 'mod_oauth2.so']],
    directives: () => ({
      server: [
        // Two small caches: with one shared cache, more than max_entries distinct tokens evict the
        // JWKS and cause a fetch storm; a large shm cache is a linear scan under a lock.
        'OAuth2Cache shm name=jwks&max_entries=16',
        'OAuth2Cache shm name=results&max_entries=1000',
      ],
      location: [
        'AuthType oauth2',
        `OAuth2TokenVerify jwks_uri ${jwksUri} ${verifyOptions}`,
        'OAuth2AcceptTokenIn header',
        '<RequireAll>',
        `  Require oauth2_claim iss:${issuer}`,
        `  Require oauth2_claim aud:${audience}`,
        `  Require oauth2_claim roles:${role}`,
        '</RequireAll>',
      ],
    }),
  });
}
