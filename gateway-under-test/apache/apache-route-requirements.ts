import { routeMatch } from '../adapters/orders-profile.ts';
import { LauncherConfigError } from '../process/errors.ts';
import { checkConfigValue, regexLiteral } from '../process/gateway-options.ts';
import type { TargetProfile } from '../target.ts';

/**
 * The profile's issuer, audience and per-route role/scope rules as Apache authorization: the auth
 * module's claim provider (`claim` for mod_auth_openidc, `oauth2_claim` for mod_oauth2) combined with
 * authz_core's `method` and `expr` providers. `name:value` compares the whole string (or any element
 * of an array), so mod_auth_openidc matches a space-separated `scp` with its `name~regex` form.
 */
export function apacheRouteRequirements(profile: TargetProfile, provider: 'claim' | 'oauth2_claim'): string[] {
  if (profile.issuers.length !== 1) throw new LauncherConfigError('profile.issuers', 'exactly one issuer');
  const issuer = checkConfigValue('issuer', profile.issuers[0].issuer);
  const audience = checkConfigValue('audience', profile.audiences[0]);
  const routes = profile.routes.filter((r) => r.auth === 'required').map((route) => {
    const { prefix, path } = routeMatch(route.path);
    checkConfigValue('route.path', path);
    const where = prefix ? `"%{REQUEST_URI} =~ m#^${regexLiteral(path)}#"` : `"%{REQUEST_URI} == '${path}'"`;
    const methods = route.methods.includes('*') ? [] : [`    Require method ${route.methods.map((m) => checkConfigValue('route.method', m)).join(' ')}`];
    const req = route.require;
    if (req && req.match !== 'any') throw new LauncherConfigError('route.require.match', 'only "any" is generated for Apache');
    const grants = req
      ? req.values.flatMap((v) =>
          req.claims.map((c) =>
            // mod_oauth2 has no regex claim match (only whole value or array element): a
            // space-separated scp grants only when it holds exactly this one scope.
            c === 'scp' && provider === 'claim'
              ? `      Require ${provider} ${checkConfigValue('claim', c)}~(^|[[:space:]])${regexLiteral(checkConfigValue('value', v))}([[:space:]]|$)`
              : `      Require ${provider} ${checkConfigValue('claim', c)}:${checkConfigValue('value', v)}`,
          ),
        )
      : [`      Require valid-user`];
    return ['  <RequireAll>', `    Require expr ${where}`, ...methods, '    <RequireAny>', ...grants, '    </RequireAny>', '  </RequireAll>'];
  });
  return [
    '<RequireAll>',
    `  Require ${provider} iss:${issuer}`,
    // Matches a string aud and any element of an array aud.
    `  Require ${provider} aud:${audience}`,
    '  <RequireAny>',
    ...routes.flat().map((l) => `  ${l}`),
    '  </RequireAny>',
    '</RequireAll>',
  ];
}
