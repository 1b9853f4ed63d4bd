import type { AdapterInput, GatewayAdapter } from '../adapters/gateway-adapter.ts';
import { ordersProfile, RSA_ALGORITHMS } from '../adapters/orders-profile.ts';
import { tailLogs } from '../adapters/tail-logs.ts';
import { apacheRouteRequirements } from '../apache/apache-route-requirements.ts';
import { startApache } from '../apache/start-apache.ts';
import { checkConfigValue } from '../process/gateway-options.ts';
import type { TargetProfile } from '../target.ts';
import { MOD_OAUTH2 } from './start-apache-oauth2.ts';

function profile(input: AdapterInput): TargetProfile {
  return ordersProfile({
    name: 'apache-oauth2',
    issuer: input.issuer,
    audience: input.audience,
    keySource: 'jwks',
    jwksUri: input.jwksUri,
    // cjose verifies with whatever RSA alg the token names.
    algorithms: RSA_ALGORITHMS,
    // verify.exp=required below (without it liboauth2 accepts a token with no exp); liboauth2 checks
    // iat when present (verify.iat=optional) and the remote user claim (sub) must be there.
    token: { requireExp: true, kidAbsent: 'try-all', rejectFutureIat: true, requiredClaims: ['sub'] },
    clockSkewSeconds: 0,
    features: ['rfc6750-challenges'],
  });
}

/**
 * Apache + mod_oauth2 3.3.1 (Debian libapache2-mod-oauth2; directives per the mod_oauth2 README), the
 * profile's routes as `Require oauth2_claim` rules. liboauth2 1.4.5 has no CA-bundle option (liboauth2 README), so the JWKS certificate is not verified
 * (`jwks_uri.ssl_verify=false`) — acceptable only because the IdP is on 127.0.0.1.
 */
export const apacheOauth2Adapter: GatewayAdapter = {
  name: 'apache-oauth2',
  binary: 'apache2',
  requiredFiles: [MOD_OAUTH2],
  profile,
  async start(input) {
    const jwksUri = checkConfigValue('jwksUri', input.jwksUri);
    const declared = profile(input);
    const anonymous = declared.routes.find((r) => r.auth === 'anonymous')?.path;
    const verifyOptions = ['jwks_uri.ssl_verify=false', 'jwks_uri.cache=jwks', 'cache=results', 'verify.exp=required', 'verify.iss=skip'].join('&');
    const gateway = await startApache(
      { upstream: input.upstream, issuer: input.issuer, audience: input.audience, requiredRole: '', passThroughPath: anonymous, logsDir: input.logsDir, binary: input.binary },
      {
        name: 'apache-oauth2',
        modules: [['oauth2_module', 'mod_oauth2.so']],
        directives: () => ({
          // Two small caches: one shared cache lets many distinct tokens evict the JWKS (a fetch storm).
          server: ['OAuth2Cache shm name=jwks&max_entries=16', 'OAuth2Cache shm name=results&max_entries=1000'],
          location: ['AuthType oauth2', `OAuth2TokenVerify jwks_uri ${jwksUri} ${verifyOptions}`, 'OAuth2AcceptTokenIn header', ...apacheRouteRequirements(declared, 'oauth2_claim')],
        }),
      },
    );
    return { url: gateway.url, pid: gateway.pid, port: gateway.port, profile: declared, logs: () => tailLogs(gateway.logs), stop: () => gateway.stop() };
  },
};
