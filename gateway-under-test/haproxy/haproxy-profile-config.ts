import { LauncherConfigError } from '../process/errors.ts';
import { checkConfigValue, regexLiteral, upstreamHostPort } from '../process/gateway-options.ts';
import { routeMatch } from '../adapters/orders-profile.ts';
import type { TargetProfile } from '../target.ts';
import { haproxyDeny, haproxyTokenRules } from './haproxy-token-rules.ts';

export interface HaproxyProfileConfigInput {
  port: number;
  upstream: string;
  profile: TargetProfile;
  /** SPKI PEM files, one per published key: HAProxy has no JWKS and ignores kid, so each is tried. */
  publicKeyFiles: string[];
  threads?: number;
}

/** A regex over the raw payload JSON that finds `value` in the claim, array or space-separated string. */
function claimRegex(claim: string, value: string): string[] {
  const c = regexLiteral(checkConfigValue('claim', claim));
  const v = regexLiteral(checkConfigValue('value', value));
  return [`'"${c}":\\[[^]]*"${v}"'`, `'"${c}":"([^"]* )?${v}( [^"]*)?"'`];
}

/**
 * HAProxy 2.6 configuration for a target profile: jwt_verify checks only the signature (HAProxy
 * configuration manual, `jwt_verify`), so alg, iss, aud, exp, nbf and each route's roles/scopes are separate ACLs, the claim
 * checks on arrays being regexes over the payload JSON (json_query cannot return arrays). Regexes sit
 * in single quotes because inside double quotes HAProxy eats the backslashes.
 */
export function haproxyProfileConfig(input: HaproxyProfileConfigInput): string {
  const { profile } = input;
  if (profile.issuers.length !== 1) throw new LauncherConfigError('profile.issuers', 'exactly one issuer');
  const issuer = checkConfigValue('issuer', profile.issuers[0].issuer);
  const audience = checkConfigValue('audience', profile.audiences[0]);
  if (input.publicKeyFiles.length === 0) throw new LauncherConfigError('publicKeyFiles', 'at least one key');
  const upstream = upstreamHostPort(input.upstream);
  const routes = profile.routes.map((route, i) => {
    const { prefix, path } = routeMatch(route.path);
    checkConfigValue('route.path', path);
    const methods = route.methods.includes('*') ? '' : ` method ${route.methods.map((m) => checkConfigValue('route.method', m)).join(' ')}`;
    return { route, i, acl: `  acl route${i} ${prefix ? 'path_beg' : 'path'} ${path}`, methodAcl: methods ? `  acl route${i}_method${methods}` : `  acl route${i}_method always_true` };
  });
  return [
    'global',
    `  nbthread ${input.threads ?? 2}`,
    '  maxconn 8000',
    '  log stderr format raw local0',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-keep-alive 60s',
    '  log global',
    '  option httplog',
    '',
    'frontend gatecheck',
    `  bind 127.0.0.1:${input.port}`,
    '  default_backend upstream',
    ...routes.flatMap((r) => [r.acl, r.methodAcl]),
    // First matching route wins, as in the profile's route table.
    ...routes.map((r) => `  http-request set-var(txn.route) str(route${r.i}) if !{ var(txn.route) -m found } route${r.i} route${r.i}_method`),
    `  http-request deny status 404 content-type application/json string '{"error":"no_route"}' unless { var(txn.route) -m found }`,
    // `allow` ends rule evaluation: nothing below runs on anonymous routes.
    ...routes.filter((r) => r.route.auth === 'anonymous').map((r) => `  http-request allow if { var(txn.route) -m str route${r.i} }`),
    ...haproxyTokenRules(),
    ...input.publicKeyFiles.map((file) => `  acl signature_ok var(txn.bearer),jwt_verify("RS256","${checkConfigValue('publicKeyFile', file)}") -m int 1`),
    `  ${haproxyDeny(401, 'invalid_token', 'bad signature')} unless signature_ok`,
    `  ${haproxyDeny(401, 'invalid_token', 'wrong issuer')} unless { var(txn.iss) -m str '${issuer}' }`,
    `  acl aud_ok var(txn.aud) -m str '${audience}'`,
    `  acl aud_ok var(txn.payload) -m reg '"aud":\\[[^]]*"${regexLiteral(audience)}"'`,
    `  ${haproxyDeny(401, 'invalid_token', 'wrong audience')} unless aud_ok`,
    // Without this, a token with no exp slips through the expiry rule below.
    ...(profile.token.requireExp ? [`  ${haproxyDeny(401, 'invalid_token', 'no exp')} unless { var(txn.exp) -m found }`] : []),
    `  ${haproxyDeny(401, 'invalid_token', 'expired')} if { var(txn.exp),sub(txn.now) -m int lt 0 }`,
    `  ${haproxyDeny(401, 'invalid_token', 'not yet valid')} if { var(txn.nbf) -m found } { var(txn.now),sub(txn.nbf) -m int lt 0 }`,
    ...routes
      .filter((r) => r.route.auth === 'required' && r.route.require)
      .flatMap((r) => {
        const req = r.route.require!;
        if (req.match !== 'any') throw new LauncherConfigError('route.require.match', 'only "any" is expressible as HAProxy ACLs');
        const acls = req.values.flatMap((v) => req.claims.flatMap((c) => claimRegex(c, v).map((re) => `  acl route${r.i}_allowed var(txn.payload) -m reg ${re}`)));
        return [...acls, `  ${haproxyDeny(403, 'insufficient_scope', 'missing role or scope')} if { var(txn.route) -m str route${r.i} } !route${r.i}_allowed`];
      }),
    '',
    'backend upstream',
    '  http-reuse always',
    `  server app ${upstream.host}:${upstream.port}`,
    '',
  ].join('\n');
}
