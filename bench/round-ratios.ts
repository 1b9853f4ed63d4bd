/** A ratio between two targets measured back to back in each round. */
export interface RoundRatio {
  /** Mean rate of `a` over mean rate of `b`. */
  overall: number;
  /** Round i of `a` over round i of `b`: the pairs that shared the machine's state. */
  perRound: number[];
}

export function roundRatio(a: readonly number[], b: readonly number[]): RoundRatio | undefined {
  if (a.length === 0 || a.length !== b.length || b.some((x) => !(x > 0))) return undefined;
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return { overall: mean(a) / mean(b), perRound: a.map((x, i) => x / b[i]) };
}

/** `met` / `not met` only when every round agrees; otherwise the machine's drift is larger than the difference. */
export function goalVerdict(r: RoundRatio, goal: number): 'met' | 'not met' | 'undecided' {
  if (r.perRound.every((x) => x >= goal)) return 'met';
  return r.perRound.every((x) => x < goal) ? 'not met' : 'undecided';
}

/** `0.73× (per round 0.66 / 0.79; goal ≥ 1: not met)` */
export function describeRoundRatio(r: RoundRatio | undefined, goal?: number): string {
  if (!r) return 'not measured';
  const rounds = r.perRound.length > 1 ? `per round ${r.perRound.map((x) => x.toFixed(2)).join(' / ')}` : '';
  const verdict = goal === undefined ? undefined : goalVerdict(r, goal);
  const judged = verdict === undefined ? '' : `goal ≥ ${goal}: ${verdict === 'undecided' ? 'undecided, the rounds disagree' : verdict}`;
  const detail = [rounds, judged].filter(Boolean).join('; ');
  return `${r.overall.toFixed(2)}×${detail ? ` (${detail})` : ''}`;
}
