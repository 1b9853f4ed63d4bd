import type { AdapterInput, GatewayAdapter } from '../adapters/gateway-adapter.ts';
import { ordersProfile, RSA_ALGORITHMS } from '../adapters/orders-profile.ts';
import { tailLogs } from '../adapters/tail-logs.ts';
import { apacheRouteRequirements } from '../apache/apache-route-requirements.ts';
import { startApache } from '../apache/start-apache.ts';
import type { TargetProfile } from '../target.ts';
import { openidcServerDirectives } from './openidc-server-directives.ts';
import { MOD_AUTH_OPENIDC } from './start-apache-openidc.ts';

function profile(input: AdapterInput): TargetProfile {
  return ordersProfile({
    name: 'apache-openidc',
    issuer: input.issuer,
    audience: input.audience,
    keySource: 'jwks',
    jwksUri: input.jwksUri,
    // The OAuth path passes no expected alg: any alg matching the key type verifies.
    algorithms: RSA_ALGORITHMS,
    // 2.4.12 predates GHSA-wcvh-g65p-v576 (fixed in 2.4.20): exp is optional for local JWT validation.
    // OIDCOAuthRemoteUserClaim sub: no sub, no REMOTE_USER, refused.
    token: { requireExp: false, kidAbsent: 'try-all', requiredClaims: ['sub'] },
    clockSkewSeconds: 0,
    // mod_auth_openidc's own claim headers (OIDCClaimPrefix OIDC_CLAIM_, arrays joined by ","),
    // which it scrubs from incoming requests.
    claimHeaders: { userId: 'OIDC_CLAIM_oid', tenantId: 'OIDC_CLAIM_tid', clientId: 'OIDC_CLAIM_azp', roles: 'OIDC_CLAIM_roles', scopes: 'OIDC_CLAIM_scp' },
    // OIDCJWKSRefreshInterval 3600; an unknown kid forces a (throttled) refresh.
    jwks: { refreshSeconds: 3600, unknownKidCooldownSeconds: 0, staleIfErrorSeconds: 0 },
    features: ['rfc6750-challenges', 'claim-headers', 'strip-client-claim-headers', 'jwks-refresh-on-unknown-kid'],
  });
}

/**
 * Apache + mod_auth_openidc 2.4.12 as an OAuth 2.0 resource server (AuthType oauth20, directives
 * per mod_auth_openidc's auth_openidc.conf) with the profile's routes as `Require claim` rules: 2.4.12 has no
 * OIDCOAuthVerifyIssuer or OIDCOAuthVerifyAudience (new in 2.4.20, GHSA-wcvh-g65p-v576), so issuer and audience are authorization rules too.
 */
export const apacheOpenidcAdapter: GatewayAdapter = {
  name: 'apache-openidc',
  binary: 'apache2',
  requiredFiles: [MOD_AUTH_OPENIDC],
  profile,
  async start(input) {
    const declared = profile(input);
    const anonymous = declared.routes.find((r) => r.auth === 'anonymous')?.path;
    const gateway = await startApache(
      { upstream: input.upstream, issuer: input.issuer, audience: input.audience, requiredRole: '', passThroughPath: anonymous, logsDir: input.logsDir, binary: input.binary },
      {
        name: 'apache-openidc',
        modules: [['auth_openidc_module', 'mod_auth_openidc.so']],
        directives(dir) {
          return {
            server: [
              ...openidcServerDirectives(input.jwksUri, input.caFile, dir.conf),
              'OIDCPassClaimsAs headers',
              'OIDCClaimPrefix OIDC_CLAIM_',
              'OIDCClaimDelimiter ,',
            ],
            location: ['AuthType oauth20', ...apacheRouteRequirements(declared, 'claim')],
          };
        },
      },
    );
    return { url: gateway.url, pid: gateway.pid, port: gateway.port, profile: declared, logs: () => tailLogs(gateway.logs), stop: () => gateway.stop() };
  },
};
