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

describe('rounds measured while the host was disturbed', () => {
  test('are shown but left out of the verdict', () => {
    const r = roundRatio([89, 98, 53], [100, 100, 100], [undefined, undefined, 'host steal 23 %'])!;
    expect(goalVerdict(r, 0.8)).toBe('met');
    expect(describeRoundRatio(r, 0.8)).toBe('0.80× (per round 0.89 / 0.98 / 0.53; round 3 not judged (host steal 23 %); goal ≥ 0.8: met)');
    // A disturbed round can't rescue a goal either.
    expect(goalVerdict(roundRatio([70, 120], [100, 100], [undefined, 'host steal 30 %'])!, 1)).toBe('not met');
  });

  test('with every round disturbed there is no verdict', () => {
    const r = roundRatio([120, 130], [100, 100], ['host steal 20 %', 'host steal 40 %'])!;
    expect(goalVerdict(r, 1)).toBe('undecided');
    expect(describeRoundRatio(r, 1)).toContain('goal ≥ 1: undecided, no round judged');
    // Without a goal, no verdict and no judging to explain.
    expect(describeRoundRatio(r)).toBe('1.25× (per round 1.20 / 1.30)');
  });

  test('a cost goal (CPU per request) is met when every judged round is at most the goal', () => {
    const r = roundRatio([50, 55], [60, 60])!;
    expect(goalVerdict(r, 1, 'at-most')).toBe('met');
    expect(describeRoundRatio(r, 1, 'at-most')).toBe('0.88× (per round 0.83 / 0.92; goal ≤ 1: met)');
    expect(goalVerdict(roundRatio([70, 65], [60, 60])!, 1, 'at-most')).toBe('not met');
    expect(goalVerdict(roundRatio([50, 65], [60, 60])!, 1, 'at-most')).toBe('undecided');
  });
});
