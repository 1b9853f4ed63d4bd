import { stringify } from 'yaml';
import { routeMatch } from '../adapters/orders-profile.ts';
import type { TargetProfile } from '../target.ts';

export interface EnvoyConfigInput {
  profile: TargetProfile;
  port: number;
  upstream: { host: string; port: number };
  /** The IdP's JWKS, fetched by Envoy itself (remote_jwks). */
  jwks: { host: string; port: number; path: string; tls: boolean };
}

/**
 * Envoy with jwt_authn (issuer, audiences, remote JWKS, RFC 6750 extraction) and an RBAC filter over
 * the verified payload for the routes' roles, as Envoy's docs combine them. Envoy is started with
 * host networking, so 127.0.0.1 is the host's loopback.
 */
export function envoyConfig(input: EnvoyConfigInput): string {
  const { profile } = input;
  const issuer = profile.issuers[0];
  const provider = {
    issuer: issuer.issuer,
    audiences: profile.audiences,
    // Envoy's default is false: a token without exp would be accepted.
    require_expiration: profile.token.requireExp,
    clock_skew_seconds: profile.clockSkewSeconds,
    forward: true,
    payload_in_metadata: 'jwt_payload',
    remote_jwks: {
      http_uri: { uri: `${input.jwks.tls ? 'https' : 'http'}://${input.jwks.host}:${input.jwks.port}${input.jwks.path}`, cluster: 'idp', timeout: '5s' },
      cache_duration: `${profile.jwks?.refreshSeconds ?? 600}s`,
    },
    from_headers: [{ name: 'Authorization', value_prefix: 'Bearer ' }],
  };
  const rules = profile.routes.map((r) => {
    const { prefix, path } = routeMatch(r.path);
    const match = { ...(prefix ? { prefix: path } : { path }) };
    return r.auth === 'anonymous' ? { match } : { match, requires: { provider_name: 'idp' } };
  });
  const policies = Object.fromEntries(
    profile.routes.map((r, i) => {
      const { prefix, path } = routeMatch(r.path);
      const permissions = [
        {
          and_rules: {
            rules: [
              { url_path: { path: prefix ? { prefix: path } : { exact: path } } },
              ...(r.methods.includes('*') ? [] : [{ or_rules: { rules: r.methods.map((m) => ({ header: { name: ':method', string_match: { exact: m } } })) } }]),
            ],
          },
        },
      ];
      const principals =
        r.auth === 'anonymous' || !r.require
          ? [{ any: true }]
          : r.require.claims.flatMap((claim) =>
              r.require!.values.map((value) => ({
                metadata: {
                  filter: 'envoy.filters.http.jwt_authn',
                  path: [{ key: 'jwt_payload' }, { key: claim }],
                  // roles is an array; scp a space-separated string.
                  value: claim === 'scp' ? { string_match: { safe_regex: { regex: `(^|.* )${value.replace(/[.]/g, '\\.')}( .*|$)` } } } : { list_match: { one_of: { string_match: { exact: value } } } },
                },
              })),
            );
      return [`route-${i}`, { permissions, principals }];
    }),
  );
  const config = {
    static_resources: {
      listeners: [
        {
          name: 'gatecheck',
          address: { socket_address: { address: '127.0.0.1', port_value: input.port } },
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.http_connection_manager',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                    stat_prefix: 'gatecheck',
                    normalize_path: true,
                    merge_slashes: true,
                    route_config: { virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'upstream' } }] }] },
                    http_filters: [
                      { name: 'envoy.filters.http.jwt_authn', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication', providers: { idp: provider }, rules } },
                      { name: 'envoy.filters.http.rbac', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC', rules: { action: 'ALLOW', policies } } },
                      { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        cluster('upstream', input.upstream.host, input.upstream.port, false),
        cluster('idp', input.jwks.host, input.jwks.port, input.jwks.tls),
      ],
    },
  };
  return stringify(config);
}

function cluster(name: string, host: string, port: number, tls: boolean): Record<string, unknown> {
  return {
    name,
    type: 'STATIC',
    connect_timeout: '2s',
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: port } } } }] }] },
    ...(tls
      ? {
          transport_socket: {
            name: 'envoy.transport_sockets.tls',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
              common_tls_context: { validation_context: { trusted_ca: { filename: '/etc/envoy/ca.pem' } } },
            },
          },
        }
      : {}),
  };
}
