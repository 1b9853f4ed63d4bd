import { beforeAll, describe, expect, test } from 'vitest';
import { mint } from '../mint/mint.ts';
import { VARIANTS } from '../mint/variants.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { explainToken } from '../ui/explain-token.ts';
import { fixtureRuntime } from './support/contoso-runtime.ts';

let runtime: TenantRuntime;
beforeAll(async () => {
  runtime = await fixtureRuntime('contoso');
});

describe('explainToken: one source of truth with the named variants', () => {
  test.each(VARIANTS.map((v) => [v.name, v] as const))('%s: the explanation reaches the variant\'s expected outcome and reason', async (_, variant) => {
    const { token } = await mint(runtime, variant.recipe);
    const explanation = explainToken(token, runtime);
    expect(explanation.verdict).toMatchObject({ outcome: variant.expect, ...(variant.reason ? { reason: variant.reason } : {}) });
    if (variant.expect === 'accept') expect(explanation.checks.filter((c) => c.status === 'fail')).toEqual([]);
  });
});

describe('explainToken: what it tells a person', () => {
  test('times are relative to now and the expiry names the skew (RFC 7519 §4.1.4)', async () => {
    const { token } = await mint(runtime, { claims: { iat: { in: '-70m' }, nbf: { in: '-70m' }, exp: { in: '-10m' } } });
    const e = explainToken(token, runtime);
    expect(e.times.find((t) => t.claim === 'exp')).toMatchObject({ relative: '-10 min' });
    expect(e.checks.find((c) => c.id === 'exp')).toMatchObject({ status: 'fail', reason: 'expired', detail: expect.stringMatching(/10 min ago, beyond the 60 s clock skew/) });
  });

  test('an RS→HS confusion token is recognised by the public-key bytes that keyed it (RFC 8725 §2.1)', async () => {
    const { token } = await mint(runtime, { key: { type: 'hmac-with-public-key', encoding: 'pkcs1-pem' } });
    const e = explainToken(token, runtime);
    expect(e.checks.find((c) => c.id === 'signature')?.detail).toMatch(/primary key's public key \(pkcs1-pem\)/);
  });

  test('a retired key is named as such, not just "unknown"', async () => {
    const { token } = await mint(runtime, { key: 'retired' });
    const e = explainToken(token, runtime);
    expect(e.key).toMatchObject({ state: 'retired', published: false });
    expect(e.checks.find((c) => c.id === 'kid')?.detail).toMatch(/retired key, which the JWKS does not publish/);
  });

  test('garbage is malformed, not an exception', () => {
    for (const junk of ['', 'a', 'a.b', '...', 'eyJ.eyJ.x', '%%%.%%%.%%%', '\u0000.\u0000.\u0000']) {
      expect(explainToken(junk, runtime).verdict).toMatchObject({ outcome: 'reject', reason: 'malformed' });
    }
  });

  test('a pasted "Bearer " prefix is dropped with a warning', async () => {
    const { token } = await mint(runtime, {});
    const e = explainToken(`Bearer ${token}`, runtime);
    expect(e.verdict.outcome).toBe('accept');
    expect(e.checks[0]).toMatchObject({ id: 'bearer', status: 'warn' });
  });
});
