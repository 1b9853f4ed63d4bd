import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFuzzHarness, type FuzzHarness } from './reference-support/pipeline-fuzz.ts';

/**
 * CI-sized property run over the reference pipeline (docs/reliability.md §1). The large run (≥ 100,000 cases) is
 * `npm run fuzz`; both use the harness in reference-support/pipeline-fuzz.ts, whose comment defines
 * "equivalent to a valid token" precisely. A failure prints the seed and the shrunk case; replay with
 * GATECHECK_FUZZ_SEED=<seed>.
 */
const RUNS = Number(process.env.GATECHECK_FUZZ_RUNS ?? 2000);
const SEED = process.env.GATECHECK_FUZZ_SEED === undefined ? undefined : Number(process.env.GATECHECK_FUZZ_SEED);

let fuzz: FuzzHarness;
beforeAll(async () => {
  fuzz = await createFuzzHarness();
});
afterAll(() => fuzz?.stop());

describe('reference pipeline under random token mutations (RFC 7515 §5.2, RFC 7519 §7.2, RFC 8725)', () => {
  it('accepts every unmutated base token, and the oracle agrees (the property below is not vacuous)', async () => {
    for (const token of fuzz.baseTokens()) {
      expect(await fuzz.verdict(token)).toBeUndefined();
      expect(await fuzz.oracle(token)).toBe(true);
    }
  });

  it('oracle refuses the classic forgeries it must refuse: flipped payload byte, alg none, HS256 keyed with the public key', async () => {
    const [token] = fuzz.baseTokens();
    const [h, p, s] = token.split('.');
    const flipped = `${h}.${p.slice(0, 5)}${p[5] === 'A' ? 'B' : 'A'}${p.slice(6)}.${s}`;
    expect(await fuzz.oracle(flipped)).toBe(false);
    const none = fuzz.build({ base: 0, header: [{ op: 'set', name: 'alg', value: '"none"' }], payload: [], rawHeader: { op: 'none' }, rawPayload: { op: 'none' }, signer: { kind: 'none' }, token: [] });
    expect(await fuzz.oracle(none)).toBe(false);
    expect(await fuzz.verdict(none)).toBeDefined();
    const confused = fuzz.build({ base: 0, header: [{ op: 'set', name: 'alg', value: '"HS256"' }], payload: [], rawHeader: { op: 'none' }, rawPayload: { op: 'none' }, signer: { kind: 'hmac-public-pem', key: 'k1', newline: true, alg: 'HS256' }, token: [] });
    expect(await fuzz.oracle(confused)).toBe(false);
    expect(await fuzz.verdict(confused)).toBe('algorithm_not_allowed');
  });

  it('oracle accepts equivalent re-encodings: escaped member names and characters, duplicate members resolved last-wins (RFC 7519 §7.2)', async () => {
    const escaped = fuzz.build({
      base: 1,
      header: [{ op: 'name-form', index: 0, form: 'escape' }],
      payload: [{ op: 'string-form', index: 0, form: 'escape-char', at: 3 }, { op: 'duplicate', name: 'iss', value: '"https://evil.test"', atStart: true }],
      rawHeader: { op: 'none' },
      rawPayload: { op: 'whitespace' },
      signer: { kind: 'auto' },
      token: [],
    });
    expect(await fuzz.oracle(escaped)).toBe(true);
    expect(await fuzz.verdict(escaped)).toBeUndefined();
    const lastWinsEvil = fuzz.build({ base: 1, header: [], payload: [{ op: 'duplicate', name: 'iss', value: '"https://evil.test"', atStart: false }], rawHeader: { op: 'none' }, rawPayload: { op: 'none' }, signer: { kind: 'auto' }, token: [] });
    expect(await fuzz.oracle(lastWinsEvil)).toBe(false);
    expect(await fuzz.verdict(lastWinsEvil)).toBe('issuer_not_allowed');
  });

  it(`never accepts a mutated token that is not equivalent to a valid one (${RUNS} random cases)`, async () => {
    await fc.assert(fc.asyncProperty(fuzz.arbitrary, async (c) => void (await fuzz.check(c))), { numRuns: RUNS, seed: SEED });
    const s = fuzz.stats;
    // Counts, not timings: the run reached acceptance and the deep steps, not only the parser.
    expect(s.cases).toBeGreaterThanOrEqual(RUNS);
    expect(s.accepted).toBeGreaterThan(0);
    expect(s.reasons.signature_invalid ?? 0).toBeGreaterThan(0);
    expect(s.reasons.malformed_token ?? 0).toBeGreaterThan(0);
    expect((s.reasons.issuer_not_allowed ?? 0) + (s.reasons.audience_not_allowed ?? 0)).toBeGreaterThan(0);
  });
});
