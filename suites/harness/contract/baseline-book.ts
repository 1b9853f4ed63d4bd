import type { ProfileRoute, TargetProfile } from '../../../gateway-under-test/index.ts';
import type { MintResult, TokenRecipe } from '../../../mock-idp/index.ts';
import { randomUUID } from 'node:crypto';
import { baselineFor, FRESH_JTI, type Baseline } from './baseline-for.ts';
import { overlayRecipe } from './overlay-recipe.ts';

type TokenProfile = NonNullable<TokenRecipe['profile']>;

/** Token versions tried, in order, for a recipe that names no token profile. */
const APP_PROFILES: readonly TokenProfile[] = ['entra-v2-app', 'entra-v1-app'];

/**
 * The run's baselines, computed once per route and token profile: every case token is its recipe laid
 * over the baseline of the route it is sent to, so no case is judged against a token its target's
 * contract never accepted. A recipe without a token profile gets the first token version the contract
 * accepts on that route (v2, else v1).
 */
export class BaselineBook {
  readonly #profile: TargetProfile;
  readonly #mint: (recipe: TokenRecipe) => Promise<MintResult>;
  readonly #cache = new Map<string, Promise<Baseline>>();

  constructor(profile: TargetProfile, mint: (recipe: TokenRecipe) => Promise<MintResult>) {
    this.#profile = profile;
    this.#mint = mint;
  }

  /** The baseline of `route` for tokens of `tokenProfile`. */
  baseline(route: ProfileRoute | undefined, tokenProfile: TokenProfile): Promise<Baseline> {
    const key = `${route ? this.#profile.routes.indexOf(route) : -1}|${tokenProfile}`;
    let found = this.#cache.get(key);
    if (!found) {
      found = baselineFor(this.#profile, route, tokenProfile, this.#mint);
      this.#cache.set(key, found);
      found.catch(() => this.#cache.delete(key));
    }
    return found;
  }

  /** The token profile a recipe without one gets on `route`, and that profile's baseline. */
  async defaultBaseline(route: ProfileRoute | undefined): Promise<{ tokenProfile: TokenProfile; baseline: Baseline }> {
    let first: { tokenProfile: TokenProfile; baseline: Baseline } | undefined;
    for (const tokenProfile of APP_PROFILES) {
      const baseline = await this.baseline(route, tokenProfile);
      first ??= { tokenProfile, baseline };
      if (baseline.problems.length === 0) return { tokenProfile, baseline };
    }
    return first!;
  }

  /** The recipe actually minted for a case recipe sent to `route`. */
  async recipeFor(route: ProfileRoute | undefined, recipe: TokenRecipe): Promise<TokenRecipe> {
    if (recipe.rawPayload !== undefined) return recipe;
    if (recipe.profile !== undefined) return freshJti(overlayRecipe((await this.baseline(route, recipe.profile)).recipe, recipe));
    const { tokenProfile, baseline } = await this.defaultBaseline(route);
    const laid = freshJti(overlayRecipe(baseline.recipe, recipe));
    return tokenProfile === 'entra-v2-app' ? laid : { ...laid, profile: tokenProfile };
  }
}

/** Each token its own jti where the baseline supplies one, so a replay cache sees no replay the case did not make. */
function freshJti(recipe: TokenRecipe): TokenRecipe {
  return recipe.claims?.jti === FRESH_JTI ? { ...recipe, claims: { ...recipe.claims, jti: randomUUID() } } : recipe;
}
