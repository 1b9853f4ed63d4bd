import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { LauncherConfigError } from '../process/errors.ts';
import { checkConfigValue } from '../process/gateway-options.ts';

/**
 * mod_auth_openidc as an OAuth 2.0 resource server (directives per mod_auth_openidc's auth_openidc.conf): keys from an HTTPS JWKS whose CA is
 * copied next to the config (the module refuses http:// JWKS URIs at parse time), throttled refresh, shm cache.
 */
export function openidcServerDirectives(jwksUriInput: string, caFile: string, confDir: string): string[] {
  const jwksUri = checkConfigValue('jwksUri', jwksUriInput);
  if (!jwksUri.startsWith('https://')) throw new LauncherConfigError('jwksUri', 'mod_auth_openidc needs https://');
  const caBundle = join(confDir, 'ca.pem');
  copyFileSync(caFile, caBundle);
  return [
    // Only encrypts mod_auth_openidc's own state; not a secret in a test gateway.
    'OIDCCryptoPassphrase "gatecheck-local-test-passphrase-not-secret"',
    `OIDCOAuthVerifyJwksUri ${jwksUri}`,
    `OIDCCABundlePath "${caBundle}"`,
    'OIDCOAuthSSLValidateServer On',
    'OIDCJWKSRefreshInterval 3600',
    'OIDCOAuthRemoteUserClaim sub',
    'OIDCCacheType shm',
  ];
}
