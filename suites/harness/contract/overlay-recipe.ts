import type { TokenRecipe } from '../../../mock-idp/index.ts';

const TEMPLATE = /\{\{claims\.([A-Za-z0-9_-]+)\}\}/g;

/**
 * A case's recipe laid over the route's baseline: every field the case sets wins, claims and header
 * members merge (the case's on top, its omissions applied after), and `{{claims.NAME}}` in the case's
 * claims means the baseline's value where the baseline sets NAME, so "our audience" stays ours. A case
 * that names its API or client keeps that API's audience or that client's id. A raw payload is the
 * case's whole token: nothing of the baseline applies to it.
 */
export function overlayRecipe(base: TokenRecipe, recipe: TokenRecipe): TokenRecipe {
  if (recipe.rawPayload !== undefined || Object.keys(base).length === 0) return recipe;
  const baseClaims: Record<string, unknown> = { ...base.claims };
  const { api: _, ...rest } = base;
  // A case that names its API or client chose the token's audience or caller on purpose.
  if (recipe.api !== undefined) delete baseClaims.aud;
  if (recipe.client !== undefined) for (const c of ['azp', 'appid', 'client_id']) delete baseClaims[c];
  const under: TokenRecipe = recipe.api !== undefined ? rest : base;
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = /^\{\{claims\.([A-Za-z0-9_-]+)\}\}$/.exec(v);
      if (whole && Object.hasOwn(baseClaims, whole[1])) return baseClaims[whole[1]];
      return v.replace(TEMPLATE, (m, name: string) => (Object.hasOwn(baseClaims, name) ? String(baseClaims[name]) : m));
    }
    if (Array.isArray(v)) return v.map(fill);
    return v;
  };
  const caseClaims = Object.fromEntries(Object.entries(recipe.claims ?? {}).map(([k, v]) => [k, fill(v)]));
  const claims = { ...baseClaims, ...caseClaims };
  const header = { ...base.header, ...recipe.header };
  const out: TokenRecipe = { ...under, ...recipe };
  delete out.claims;
  delete out.header;
  if (Object.keys(claims).length) out.claims = claims as TokenRecipe['claims'];
  if (Object.keys(header).length) out.header = header;
  return out;
}
