import {
  checkConfigValue,
  checkPassThroughPath,
  regexLiteral,
  upstreamHostPort,
  type GatewayOptions,
} from '../process/gateway-options.ts';

export interface HaproxyConfigInput extends GatewayOptions {
  port: number;
  /** SPKI PEM of the RS256 key tokens are signed with (HAProxy has no JWKS). */
  publicKeyFile: string;
  /** `nbthread`; default 2 (the measured configuration in gateways.md). */
  threads?: number;
}

const REALM = 'gatecheck';

function deny(status: 401 | 403, error: string, description: string): string {
  const challenge = `Bearer realm="${REALM}", error="${error}", error_description="${description}"`;
  return `http-request deny status ${status} content-type application/json string '{"error":"${error}","error_description":"${description}"}' hdr WWW-Authenticate '${challenge}'`;
}

/**
 * HAProxy 2.6 configuration after gateways.md §2b: jwt_verify checks only the signature, so alg,
 * iss, aud, exp, nbf and roles are separate ACLs. Regexes sit in single quotes because inside double
 * quotes HAProxy eats the backslashes and the regex silently never matches.
 */
export function haproxyConfig(input: HaproxyConfigInput): string {
  const issuer = checkConfigValue('issuer', input.issuer);
  const audience = checkConfigValue('audience', input.audience);
  const role = checkConfigValue('requiredRole', input.requiredRole);
  const keyFile = checkConfigValue('publicKeyFile', input.publicKeyFile);
  const passThrough = checkPassThroughPath(input.passThroughPath);
  const upstream = upstreamHostPort(input.upstream);
  const accessLog = input.accessLog ?? true;
  return [
    'global',
    `  nbthread ${input.threads ?? 2}`,
    // 20000 fails where `ulimit -n` is 20000.
    '  maxconn 8000',
    ...(accessLog ? ['  log stderr format raw local0'] : []),
    '',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-keep-alive 60s',
    // dontlognull: the launcher's readiness probe connects and closes without a request.
    ...(accessLog ? ['  log global', '  option httplog', '  option dontlognull'] : []),
    '',
    'frontend gatecheck',
    `  bind 127.0.0.1:${input.port}`,
    '  default_backend upstream',
    ...(passThrough
      ? [
          `  acl pass_through path ${passThrough}`,
          `  acl pass_through path_beg ${passThrough}/`,
          // `allow` ends http-request rule evaluation: none of the checks below run.
          '  http-request allow if pass_through',
        ]
      : []),
    '  http-request set-var(txn.bearer) http_auth_bearer',
    `  http-request set-var(txn.alg) var(txn.bearer),jwt_header_query('$.alg')`,
    `  http-request set-var(txn.iss) var(txn.bearer),jwt_payload_query('$.iss')`,
    `  http-request set-var(txn.aud) var(txn.bearer),jwt_payload_query('$.aud')`,
    `  http-request set-var(txn.exp) var(txn.bearer),jwt_payload_query('$.exp','int')`,
    `  http-request set-var(txn.nbf) var(txn.bearer),jwt_payload_query('$.nbf','int')`,
    // jwt_payload_query with no path returns nothing in 2.6.12; arrays need the raw JSON.
    '  http-request set-var(txn.payload) var(txn.bearer),word(2,.),ub64dec',
    '  http-request set-var(txn.now) date()',
    `  http-request deny status 401 content-type application/json string '{"error":"missing_token"}' hdr WWW-Authenticate 'Bearer realm="${REALM}"' unless { var(txn.bearer) -m found }`,
    // Pinning alg first: jwt_verify itself accepts "none".
    `  ${deny(401, 'invalid_token', 'unsupported alg')} unless { var(txn.alg) -m str RS256 }`,
    `  ${deny(401, 'invalid_token', 'bad signature')} unless { var(txn.bearer),jwt_verify("RS256","${keyFile}") -m int 1 }`,
    `  ${deny(401, 'invalid_token', 'wrong issuer')} unless { var(txn.iss) -m str '${issuer}' }`,
    `  acl aud_ok var(txn.aud) -m str '${audience}'`,
    `  acl aud_ok var(txn.payload) -m reg '"aud":\\[[^]]*"${regexLiteral(audience)}"'`,
    `  ${deny(401, 'invalid_token', 'wrong audience')} unless aud_ok`,
    // Without this, a token with no exp slips through the expiry rule below.
    `  ${deny(401, 'invalid_token', 'no exp')} unless { var(txn.exp) -m found }`,
    `  ${deny(401, 'invalid_token', 'expired')} if { var(txn.exp),sub(txn.now) -m int lt 0 }`,
    `  ${deny(401, 'invalid_token', 'not yet valid')} if { var(txn.nbf) -m found } { var(txn.now),sub(txn.nbf) -m int lt 0 }`,
    `  ${deny(403, 'insufficient_scope', 'missing role')} unless { var(txn.payload) -m reg '"roles":\\[[^]]*"${regexLiteral(role)}"' }`,
    '',
    'backend upstream',
    '  http-reuse always',
    `  server app ${upstream.host}:${upstream.port}`,
    '',
  ].join('\n');
}
