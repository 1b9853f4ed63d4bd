/** A ratio between two targets measured back to back in each round, and what the rounds support. */
export interface RoundRatio {
  /** Mean rate of `a` over mean rate of `b`. */
  overall: number;
  /** Round i of `a` over round i of `b`: the pairs that shared the machine's state. */
  perRound: number[];
  /** `met` / `not met` only when every round agrees; otherwise the machine's drift is larger than the difference. */
  verdict: 'met' | 'not met' | 'undecided';
}

export function roundRatio(a: readonly number[], b: readonly number[], goal: number): RoundRatio | undefined {
  if (a.length === 0 || a.length !== b.length || b.some((x) => !(x > 0))) return undefined;
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const perRound = a.map((x, i) => x / b[i]);
  const verdict = perRound.every((r) => r >= goal) ? 'met' : perRound.every((r) => r < goal) ? 'not met' : 'undecided';
  return { overall: mean(a) / mean(b), perRound, verdict };
}

/** `0.73× (per round 0.66 / 0.79; goal ≥ 1: not met)` */
export function describeRoundRatio(r: RoundRatio | undefined, goal?: number): string {
  if (!r) return 'not measured';
  const rounds = r.perRound.length > 1 ? `per round ${r.perRound.map((x) => x.toFixed(2)).join(' / ')}` : '';
  const verdict = goal === undefined ? '' : `goal ≥ ${goal}: ${r.verdict === 'undecided' ? 'undecided, the rounds disagree' : r.verdict}`;
  const detail = [rounds, verdict].filter(Boolean).join('; ');
  return `${r.overall.toFixed(2)}×${detail ? ` (${detail})` : ''}`;
}
