import { RELATIVE_TIME } from './token-recipe.ts';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `-10m` → seconds offset (-600). Throws on anything RELATIVE_TIME does not match. */
export function relativeSeconds(text: string): number {
  if (!RELATIVE_TIME.test(text)) throw new TypeError(`not a relative time: ${text}`);
  const unit = text.at(-1) as keyof typeof UNIT_SECONDS;
  return Math.round(Number.parseFloat(text.slice(0, -1)) * UNIT_SECONDS[unit]);
}
