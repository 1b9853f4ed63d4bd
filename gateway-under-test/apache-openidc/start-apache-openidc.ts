import { startApache } from '../apache/start-apache.ts';
import { openidcServerDirectives } from './openidc-server-directives.ts';
import { checkConfigValue, type GatewayOptions } from '../process/gateway-options.ts';
import type { RunningGateway } from '../process/start-gateway-process.ts';

export const MOD_AUTH_OPENIDC = '/usr/lib/apache2/modules/mod_auth_openidc.so';

export interface ApacheOpenidcOptions extends GatewayOptions {
  /** https only: mod_auth_openidc rejects an http:// JWKS URL at config parse. */
  jwksUri: string;
  /** PEM CA bundle that signed the JWKS server's certificate; copied into the run dir. */
  caBundleFile: string;
}

/**
 * Apache + mod_auth_openidc 2.4.12 as an OAuth 2.0 resource server (AuthType oauth20), directives
 * per mod_auth_openidc's auth_openidc.conf. 2.4.12 has no OIDCOAuthVerifyIssuer/Audience (added in 2.4.20,
 * GHSA-wcvh-g65p-v576; see the module's ChangeLog), so issuer,
 * audience and role are `Require claim` rules.
 */
export function startApacheOpenidc(options: ApacheOpenidcOptions): Promise<RunningGateway> {
  const issuer = checkConfigValue('issuer', options.issuer);
  const audience = checkConfigValue('audience', options.audience);
  const role = checkConfigValue('requiredRole', options.requiredRole);
  return startApache(options, {
    name: 'apache-openidc',
    modules: [['auth_openidc_module', 'mod_auth_openidc.so']],
    directives(dir) {
      return {
        server: openidcServerDirectives(options.jwksUri, options.caBundleFile, dir.conf),
        location: [
          'AuthType oauth20',
          '<RequireAll>',
          `  Require claim iss:${issuer}`,
          // Matches a string aud and any element of an array aud.
          `  Require claim aud:${audience}`,
          `  Require claim roles:${role}`,
          '</RequireAll>',
        ],
      };
    },
  });
}
