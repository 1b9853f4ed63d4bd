import { requirementHolds, type ProfileRequirement, type ProfileRoute, type TargetProfile } from '../../../gateway-under-test/index.ts';
import type { MintResult, TokenRecipe } from '../../../mock-idp/index.ts';
import { isApplicationId } from './is-application-id.ts';
import { rulesFor } from './rules-for.ts';

type TokenProfile = NonNullable<TokenRecipe['profile']>;

/** A token the contract accepts on one route, as the deviations from the IdP's default token of one profile. */
export interface Baseline {
  /** Laid under every case recipe of that token profile sent to the route (never names the profile): `{}` when the IdP's default token already fits. */
  recipe: TokenRecipe;
  /** Why no token the IdP would issue fits the contract here, each naming the contract element; empty when one does. */
  problems: string[];
}

const USER_PROFILES: readonly TokenProfile[] = ['entra-v2-user', 'id-token'];

/** Stands for "a jti of its own" in a baseline recipe; `BaselineBook.recipeFor` fills it per token. */
export const FRESH_JTI = '{{fresh.jti}}';

/**
 * The baseline token for `route`: the IdP's default token of `tokenProfile`, changed only where the
 * contract demands it (README: "Every verdict is computed from the target's contract"). Changes stay within what Entra really issues
 * (the API whose application id the contract names as audience; a v1 token's audience in either
 * form) except for claim requirements, which are met by setting the claims, as a client granted those
 * roles would receive them. What cannot be met that way (an App ID URI audience on a v2 token, an
 * issuer the IdP never writes) is a problem, and the target's refusal of the default token is then a
 * finding about the target's configuration, not a harness error.
 */
export async function baselineFor(
  profile: TargetProfile,
  route: ProfileRoute | undefined,
  tokenProfile: TokenProfile,
  mint: (recipe: TokenRecipe) => Promise<MintResult>,
): Promise<Baseline> {
  const problems: string[] = [];
  const recipe: TokenRecipe = { profile: tokenProfile };
  let token = await mint(recipe);
  const claims = () => token.claims ?? {};

  // Audience: the API whose application id the contract accepts, or (v1 tokens) the accepted form of it.
  const audiences = acceptedAudiences(profile, String(claims().iss));
  if (profile.token.checkAudience !== false && audiences.length && !audiences.includes(String(claims().aud))) {
    let fitted = false;
    for (const aud of audiences) {
      const tried = await mint({ ...recipe, api: aud }).catch(() => undefined);
      if (!tried?.claims) continue;
      if (audiences.includes(String(tried.claims.aud))) {
        recipe.api = aud;
        token = tried;
        fitted = true;
        break;
      }
      // v1 tokens carry the resource as it was requested: the application id or the App ID URI.
      if (tokenProfile === 'entra-v1-app') {
        recipe.api = aud;
        recipe.claims = { ...recipe.claims, aud };
        token = await mint(recipe);
        fitted = true;
        break;
      }
    }
    if (!fitted) {
      problems.push(
        `audience form: the contract accepts aud ${audiences.map((a) => JSON.stringify(a)).join(', ')}, but ${tokenProfile} tokens from the IdP carry ${JSON.stringify(claims().aud)}` +
          (tokenProfile !== 'entra-v1-app' && audiences.some((a) => !isApplicationId(a)) ? ' (Entra v2 access tokens always carry the application id GUID; an App ID URI audience only appears in v1 tokens)' : ''),
      );
    }
  }

  // Issuer: the IdP writes one issuer per tenant and token version; the contract must list it.
  const iss = String(claims().iss);
  if (profile.issuers.length && !profile.issuers.some((i) => issuerMatches(i.issuer, iss, i.tenants))) {
    problems.push(`issuer: the contract trusts ${profile.issuers.map((i) => JSON.stringify(i.issuer)).join(', ')}, but ${tokenProfile} tokens from the IdP carry iss ${JSON.stringify(iss)}`);
  }

  // Token type, required claims and lifetime: set where the default token falls short.
  const header: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  const typ = token.header?.typ;
  if (profile.token.requireType && !profile.token.types.some((t) => String(typ).toLowerCase() === t.toLowerCase())) header.typ = profile.token.types[0];
  for (const name of profile.token.requiredClaims) if (claims()[name] === undefined || claims()[name] === null) extra[name] = requiredClaimValue(name, claims());
  const max = profile.token.maxLifetimeSeconds;
  const iat = Number(claims().iat);
  if (max !== undefined && Number(claims().exp) - iat > max) extra.exp = { in: `${Math.max(60, Math.floor(max / 2))}s` };

  // Claim requirements of the contract (token-wide and the route's): set the claims a granted caller holds.
  const prefer = USER_PROFILES.includes(tokenProfile) ? ['scp', 'roles'] : ['roles', 'scp'];
  const seen = { ...claims(), ...extra };
  for (const rule of rulesFor(profile, route)) {
    if (requirementHolds(rule, seen)) continue;
    const [name, value] = claimMeeting(rule, prefer, seen);
    extra[name] = value;
    seen[name] = value;
    if (!requirementHolds(rule, seen)) problems.push(`claim requirement: no value of ${rule.claims.join('/')} meets ${rule.match} of ${rule.values.join(', ')}`);
  }

  if (Object.keys(extra).length) recipe.claims = { ...recipe.claims, ...extra };
  if (Object.keys(header).length) recipe.header = header;
  const { profile: _, ...deviations } = recipe;
  return { recipe: deviations, problems };
}

/** The audiences the contract accepts from the issuer that wrote `iss`, or every audience when none matches. */
function acceptedAudiences(profile: TargetProfile, iss: string): string[] {
  const issuer = profile.issuers.find((i) => issuerMatches(i.issuer, iss, i.tenants));
  return issuer?.audiences.length ? issuer.audiences : profile.audiences;
}

/**
 * Exact, or Entra's multi-tenant `{tenantid}` template with the tenant on the allow-list (when there is
 * one, where `*` is any tenant), or `*`: a contract that checks no issuer (an emulated policy without one).
 */
export function issuerMatches(pattern: string, iss: string, tenants?: string[]): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('{tenantid}')) return pattern === iss;
  const [prefix, suffix] = pattern.split('{tenantid}');
  if (!iss.startsWith(prefix) || !iss.endsWith(suffix) || iss.length <= prefix.length + suffix.length) return false;
  const tenant = iss.slice(prefix.length, iss.length - suffix.length);
  return !tenants?.length || tenants.includes(tenant) || tenants.includes('*');
}

/** Which claim to set to meet a requirement, and to what: arrays for roles and groups, separated strings otherwise. */
function claimMeeting(rule: ProfileRequirement, prefer: string[], claims: Record<string, unknown>): [string, unknown] {
  const name = prefer.find((p) => rule.claims.includes(p)) ?? rule.claims[0];
  const values = rule.match === 'all' ? rule.values : [rule.values[0]];
  const existing = claims[name];
  if (Array.isArray(existing) || name === 'roles' || name === 'groups') return [name, [...new Set([...(Array.isArray(existing) ? existing : []), ...values])]];
  if (values.length === 1) return [name, values[0]];
  // Several values in one string claim: joined by the rule's separator, or space when it has none printable.
  return [name, values.join(/^[\x21-\x7e ]+$/.test(rule.separator) ? rule.separator : ' ')];
}

function requiredClaimValue(name: string, claims: Record<string, unknown>): unknown {
  if (name === 'iat' || name === 'nbf') return { in: '0s' };
  // A fixed jti would make every token of the route a replay; the book gives each mint its own.
  if (name === 'jti') return FRESH_JTI;
  if (name === 'client_id') return claims.azp ?? claims.appid ?? 'gatecheck-client';
  return `gatecheck-${name}`;
}
