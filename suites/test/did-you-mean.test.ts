import { describe, expect, test } from 'vitest';
import { didYouMean } from '../harness/did-you-mean.ts';

describe('didYouMean', () => {
  const names = ['expired', 'not-yet-valid', 'alg-none', 'haproxy', 'reference'];

  test.each([
    ['expird', 'expired'],
    ['EXPIRED', 'expired'],
    ['haprox', 'haproxy'],
    ['refrence', 'reference'],
    ['alg-non', 'alg-none'],
  ])('%s → %s', (typed, expected) => expect(didYouMean(typed, names)).toBe(` (did you mean "${expected}"?)`));

  test('nothing plausible, or the name itself, suggests nothing', () => {
    expect(didYouMean('kong-enterprise', names)).toBe('');
    expect(didYouMean('x', names)).toBe('');
    expect(didYouMean('expired', names)).toBe('');
    expect(didYouMean('expird', [])).toBe('');
  });

  test('ties go to the earlier name', () => expect(didYouMean('ab', ['ac', 'ad'])).toBe(' (did you mean "ac"?)'));
});
