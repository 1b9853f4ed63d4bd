import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { TokenRecipe } from '../../mock-idp/index.ts';

type ProfileRoute = TargetProfile['routes'][number];
type Requirement = NonNullable<ProfileRoute['require']>;

export interface RouteToken {
  recipe: TokenRecipe & { claims: Record<string, unknown> };
  /** The roles and scopes the token carries, as the claims contract forwards them (comma-joined), or null when it carries none. */
  roles: string | null;
  scopes: string | null;
}

/**
 * A token the route accepts, computed from the contract rather than assumed: the route's requirement
 * and any token-wide claim rule (APIM required-claims, Apigee AdditionalClaims) each get the values
 * they demand (the first for `any`, all for `all`), in the claim they read — roles in an app-only token
 * when the rule reads `roles`, else scp in a delegated one — and nothing else in roles or scp. On a
 * rate-limited route the limit's identity claims are unique to this case and run (`{{run.nonce}}`), so
 * the token spends nobody else's budget.
 */
export function tokenForRoute(profile: TargetProfile, route: ProfileRoute, who: string): RouteToken {
  const rules: Requirement[] = [...(route.require ? [route.require] : []), ...(profile.token.claimValues ?? [])];
  const roles: string[] = [];
  const scopes: string[] = [];
  const claims: Record<string, unknown> = {};
  for (const rule of rules) {
    const wanted = rule.match === 'all' ? rule.values : rule.values.slice(0, 1);
    const into = rule.claims.includes('roles') ? 'roles' : rule.claims.includes('scp') ? 'scp' : rule.claims[0];
    if (into === 'roles') roles.push(...wanted.filter((v) => !roles.includes(v)));
    else if (into === 'scp') scopes.push(...wanted.filter((v) => !scopes.includes(v)));
    else if (into) claims[into] = wanted.length === 1 ? wanted[0] : wanted;
  }
  const limit = route.rateLimit ? profile.rateLimits[route.rateLimit] : undefined;
  for (const k of limit?.key ?? []) if (k !== 'iss' && k !== 'tid') claims[k] = `gatecheck-${who}-{{run.nonce}}`;
  const separator = rules.find((r) => r.claims.includes('scp'))?.separator ?? ' ';
  if (scopes.length) {
    claims.scp = scopes.join(separator);
    if (roles.length) claims.roles = roles;
    const recipe = { profile: 'entra-v2-user' as const, claims, ...(roles.length ? {} : { omitClaims: ['roles'] }) };
    return { recipe, roles: roles.length ? roles.join(',') : null, scopes: scopes.join(',') };
  }
  if (roles.length === 0) return { recipe: { profile: 'entra-v2-app', claims, omitClaims: ['scp', 'roles'] }, roles: null, scopes: null };
  return { recipe: { profile: 'entra-v2-app', claims: { ...claims, roles }, omitClaims: ['scp'] }, roles: roles.length ? roles.join(',') : null, scopes: null };
}
