/** A ratio between two targets measured back to back in each round. */
export interface RoundRatio {
  /** Mean rate of `a` over mean rate of `b`, every round included. */
  overall: number;
  /** Round i of `a` over round i of `b`: the pairs that shared the machine's state. */
  perRound: number[];
  /** Per round, why it is left out of a goal's verdict (the host was disturbed), or undefined. */
  unjudged: Array<string | undefined>;
}

export function roundRatio(a: readonly number[], b: readonly number[], unjudged: ReadonlyArray<string | undefined> = []): RoundRatio | undefined {
  if (a.length === 0 || a.length !== b.length || b.some((x) => !(x > 0))) return undefined;
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return { overall: mean(a) / mean(b), perRound: a.map((x, i) => x / b[i]), unjudged: a.map((_, i) => unjudged[i]) };
}

/**
 * `met` / `not met` only when every judged round agrees; otherwise the machine's drift is larger than
 * the difference. Rounds measured while the host was disturbed are not judged; with none left, undecided.
 */
export function goalVerdict(r: RoundRatio, goal: number, bound: GoalBound = 'at-least'): 'met' | 'not met' | 'undecided' {
  const judged = r.perRound.filter((_, i) => r.unjudged[i] === undefined);
  if (judged.length === 0) return 'undecided';
  const meets = (x: number) => (bound === 'at-least' ? x >= goal : x <= goal);
  if (judged.every(meets)) return 'met';
  return judged.every((x) => !meets(x)) ? 'not met' : 'undecided';
}

/** `at-least`: a rate (higher is better); `at-most`: a cost such as CPU time per request (lower is better). */
export type GoalBound = 'at-least' | 'at-most';

/** `0.73× (per round 0.66 / 0.79; goal ≥ 1: not met)` */
export function describeRoundRatio(r: RoundRatio | undefined, goal?: number, bound: GoalBound = 'at-least'): string {
  if (!r) return 'not measured';
  const rounds = r.perRound.length > 1 ? `per round ${r.perRound.map((x) => x.toFixed(2)).join(' / ')}` : '';
  const left = r.unjudged.flatMap((why, i) => (why === undefined ? [] : [`round ${i + 1} not judged (${why})`]));
  const verdict = goal === undefined ? undefined : goalVerdict(r, goal, bound);
  const judged =
    verdict === undefined
      ? ''
      : `goal ${bound === 'at-least' ? '≥' : '≤'} ${goal}: ${verdict === 'undecided' ? (left.length === r.perRound.length ? 'undecided, no round judged' : 'undecided, the rounds disagree') : verdict}`;
  const detail = [rounds, goal === undefined ? '' : left.join(', '), judged].filter(Boolean).join('; ');
  return `${r.overall.toFixed(2)}×${detail ? ` (${detail})` : ''}`;
}
