import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { jsonReport } from '../report/json-report.ts';
import { fixtureCases, fixtureReport } from './fixtures/run-report-fixture.ts';

const schema = JSON.parse(readFileSync(new URL('../report/report.schema.json', import.meta.url), 'utf8'));

function validator() {
  // strict: an unknown keyword or format in the schema is an error, not silently ignored.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe('report.json', () => {
  const validate = validator();

  it('validates against report.schema.json (JSON Schema 2020-12)', () => {
    const parsed = JSON.parse(jsonReport(fixtureReport()));
    const ok = validate(parsed);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('round-trips the model, keeping RegExp expectations as { regexp, flags } instead of {}', () => {
    const parsed = JSON.parse(jsonReport(fixtureReport()));
    const forwarding = parsed.cases.find((c: { id: string }) => c.id === 'forwarding/claim-headers');
    expect(forwarding.steps[0].expected.upstreamHeaders).toEqual({
      'X-User-Id': 'alice',
      'X-Roles': { regexp: '^Orders\\.Read', flags: 'i' },
      'X-Spoofed': null,
    });
    expect(parsed.summary).toEqual(fixtureReport().summary);
    expect(parsed.cases.map((c: { verdict: string }) => c.verdict)).toEqual(fixtureReport().cases.map((c) => c.verdict));
  });

  it('the schema has teeth: an unknown verdict, a skipped case without reason, a bad date are refused', () => {
    const good = () => JSON.parse(jsonReport(fixtureReport()));
    const badVerdict = good();
    badVerdict.cases[0].verdict = 'passed';
    expect(validate(badVerdict)).toBe(false);
    const noReason = good();
    delete noReason.cases.find((c: { verdict: string }) => c.verdict === 'skipped').skipReason;
    expect(validate(noReason)).toBe(false);
    const badDate = good();
    badDate.startedAt = 'yesterday';
    expect(validate(badDate)).toBe(false);
    const noSummary = good();
    delete noSummary.summary.mustFailed;
    expect(validate(noSummary)).toBe(false);
    const noClause = good();
    delete noClause.cases.find((c: { verdict: string }) => c.verdict === 'weaker').weakerClause;
    expect(validate(noClause)).toBe(false);
    const noTally = good();
    delete noTally.summary.strict;
    expect(validate(noTally)).toBe(false);
  });

  it('carries the weaker verdict with its clause, the weaker count, MUST vs blocking failures and the RFC strict tally', () => {
    const parsed = JSON.parse(jsonReport(fixtureReport()));
    const weaker = parsed.cases.find((c: { id: string }) => c.id === 'claims/exp-absent');
    expect(weaker).toMatchObject({ verdict: 'weaker', weakerClause: 'RFC 9068 §2.2: exp is REQUIRED in a JWT access token', weakerReference: { doc: 'RFC 9068', section: '2.2' } });
    expect(weaker.steps[0].expected.weaker.clause).toBe(weaker.weakerClause);
    // exp-absent (profile) is weaker; the two failed MUST cases block; the failed SHOULD case does not.
    expect(parsed.summary).toMatchObject({ weaker: 1, fail: 3, mustFailed: 2, blockingFailed: 2, strict: { held: 5, judged: 8 } });
  });

  it('never writes private key material, even if a target profile carries some', () => {
    const report = fixtureReport();
    report.target.profile = {
      staticKeys: [{ kty: 'RSA', kid: 'k1', n: 'modulus', e: 'AQAB', d: 'PRIVATE-EXPONENT', p: 'P', q: 'Q', dp: 'DP', dq: 'DQ', qi: 'QI' }],
      clientSecret: 'hunter2',
      pem: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----',
    };
    const text = jsonReport(report);
    for (const secret of ['PRIVATE-EXPONENT', 'hunter2', 'MIIEvQIBADANBg', '"DP"']) expect(text).not.toContain(secret);
    const parsed = JSON.parse(text);
    expect(parsed.target.profile.staticKeys[0]).toMatchObject({ kty: 'RSA', kid: 'k1', n: 'modulus', e: 'AQAB', d: '[redacted]' });
    expect(validate(parsed)).toBe(true);
  });

  it('puts the public url beside every reference that has one, keeps a case\'s own url as written, and still validates', () => {
    const cases = fixtureCases();
    cases[0].references = [{ doc: 'RFC 7519', section: '4.1.4' }, { doc: 'OIDF oidcc-client-test-missing-aud' }, { doc: 'CVE-2016-10555', url: 'javascript:alert(3)' }];
    const weaker = cases.find((c) => c.verdict === 'weaker')!;
    weaker.weakerReference = { doc: 'RFC 9068', section: '2.2' };
    const parsed = JSON.parse(jsonReport(fixtureReport(cases)));
    expect(parsed.cases[0].references).toEqual([
      { doc: 'RFC 7519', section: '4.1.4', url: 'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4' },
      { doc: 'OIDF oidcc-client-test-missing-aud' },
      { doc: 'CVE-2016-10555', url: 'javascript:alert(3)' },
    ]);
    const json = parsed.cases.find((c: { id: string }) => c.id === weaker.id);
    expect(json.weakerReference).toEqual({ doc: 'RFC 9068', section: '2.2', url: 'https://www.rfc-editor.org/rfc/rfc9068#section-2.2' });
    expect(validate(parsed)).toBe(true);
    const badUrl = structuredClone(parsed);
    badUrl.cases[0].references[0].url = 42;
    expect(validate(badUrl)).toBe(false);
  });
});
