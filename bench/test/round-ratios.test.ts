import { describe, expect, test } from 'vitest';
import { describeRoundRatio, goalVerdict, roundRatio } from '../round-ratios.ts';

describe('bench goal verdicts across rounds', () => {
  test('a goal is met or missed only when every round agrees', () => {
    expect(goalVerdict(roundRatio([110, 120], [100, 100])!, 1)).toBe('met');
    expect(goalVerdict(roundRatio([90, 80], [100, 100])!, 1)).toBe('not met');
    // One noisy round flips the mean above the goal; the rounds themselves disagree.
    const noisy = roundRatio([9683, 9979], [14627, 4669])!;
    expect(noisy.overall).toBeGreaterThan(1);
    expect(goalVerdict(noisy, 1)).toBe('undecided');
    expect(describeRoundRatio(noisy, 1)).toBe('1.02× (per round 0.66 / 2.14; goal ≥ 1: undecided, the rounds disagree)');
  });

  test('refuses mismatched or empty round lists instead of inventing a ratio', () => {
    expect(roundRatio([], [])).toBeUndefined();
    expect(roundRatio([1, 2], [1])).toBeUndefined();
    expect(roundRatio([1], [0])).toBeUndefined();
    expect(describeRoundRatio(undefined, 1)).toBe('not measured');
    expect(describeRoundRatio(roundRatio([3], [2]), 2)).toBe('1.50× (goal ≥ 2: not met)');
    expect(describeRoundRatio(roundRatio([3], [2]))).toBe('1.50×');
  });
});
