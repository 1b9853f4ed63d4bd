import { stringify } from 'yaml';
import { routeMatch } from '../adapters/orders-profile.ts';
import type { TargetProfile } from '../target.ts';

export interface KongConfigInput {
  profile: TargetProfile;
  upstream: { host: string; port: number };
  /** SPKI PEM of the key tokens are signed with: Kong's jwt plugin has no JWKS. */
  publicKeyPem: string;
}

/**
 * Kong (DB-less, declarative) with the bundled `jwt` plugin: one consumer whose RS256 credential's
 * key is the issuer (key_claim_name iss selects the credential; it is not an issuer check), exp and
 * nbf verified (both are off by default), the token read from the Authorization header only (the
 * default also reads `?jwt=`). The plugin checks neither aud nor roles.
 */
export function kongConfig(input: KongConfigInput): string {
  const issuer = input.profile.issuers[0].issuer;
  const config = {
    _format_version: '3.0',
    services: [
      {
        name: 'upstream',
        url: `http://${input.upstream.host}:${input.upstream.port}`,
        routes: input.profile.routes.map((r, i) => {
          const { prefix, path } = routeMatch(r.path);
          return {
            name: `route-${i}`,
            // Kong paths are prefixes unless written as a regex (~…$).
            paths: [prefix ? path : `~${path.replace(/[.]/g, '\\.')}$`],
            methods: r.methods.includes('*') ? undefined : r.methods,
            strip_path: false,
            ...(r.auth === 'required'
              ? { plugins: [{ name: 'jwt', config: { key_claim_name: 'iss', claims_to_verify: ['exp', 'nbf'], uri_param_names: [], cookie_names: [], header_names: ['authorization'], run_on_preflight: true } }] }
              : {}),
          };
        }),
      },
    ],
    consumers: [{ username: 'gatecheck-idp', jwt_secrets: [{ key: issuer, algorithm: 'RS256', rsa_public_key: input.publicKeyPem }] }],
  };
  return stringify(config);
}
