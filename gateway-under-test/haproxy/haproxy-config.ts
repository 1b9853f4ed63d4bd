import {
  checkConfigValue,
  checkPassThroughPath,
  regexLiteral,
  upstreamHostPort,
  type GatewayOptions,
} from '../process/gateway-options.ts';
import { haproxyDeny, haproxyTokenRules } from './haproxy-token-rules.ts';

export interface HaproxyConfigInput extends GatewayOptions {
  port: number;
  /** SPKI PEM of the RS256 key tokens are signed with (HAProxy has no JWKS). */
  publicKeyFile: string;
  /** `nbthread`; default 2 (the configuration docs/benchmarks.md measures). */
  threads?: number;
}

/**
 * HAProxy 2.6 configuration: jwt_verify checks only the signature (HAProxy configuration manual, `jwt_verify`), so alg,
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
    ...haproxyTokenRules(),
    `  ${haproxyDeny(401, 'invalid_token', 'bad signature')} unless { var(txn.bearer),jwt_verify("RS256","${keyFile}") -m int 1 }`,
    `  ${haproxyDeny(401, 'invalid_token', 'wrong issuer')} unless { var(txn.iss) -m str '${issuer}' }`,
    `  acl aud_ok var(txn.aud) -m str '${audience}'`,
    `  acl aud_ok var(txn.payload) -m reg '"aud":\\[[^]]*"${regexLiteral(audience)}"'`,
    `  ${haproxyDeny(401, 'invalid_token', 'wrong audience')} unless aud_ok`,
    // Without this, a token with no exp slips through the expiry rule below.
    `  ${haproxyDeny(401, 'invalid_token', 'no exp')} unless { var(txn.exp) -m found }`,
    `  ${haproxyDeny(401, 'invalid_token', 'expired')} if { var(txn.exp),sub(txn.now) -m int lt 0 }`,
    `  ${haproxyDeny(401, 'invalid_token', 'not yet valid')} if { var(txn.nbf) -m found } { var(txn.now),sub(txn.nbf) -m int lt 0 }`,
    `  ${haproxyDeny(403, 'insufficient_scope', 'missing role')} unless { var(txn.payload) -m reg '"roles":\\[[^]]*"${regexLiteral(role)}"' }`,
    '',
    'backend upstream',
    '  http-reuse always',
    `  server app ${upstream.host}:${upstream.port}`,
    '',
  ].join('\n');
}
