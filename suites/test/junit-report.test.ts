import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { junitReport } from '../report/junit-report.ts';
import { fixtureCases, fixtureReport, HOSTILE, WEAKER_CLAUSE } from './fixtures/run-report-fixture.ts';

interface Testcase {
  '@_name': string;
  '@_classname': string;
  '@_time': string;
  properties: { property: { '@_name': string; '@_value': string }[] };
  failure?: { '@_message': string; '@_type': string; '#text': string };
  error?: { '@_message': string; '#text': string };
  skipped?: { '@_message': string };
  'system-out'?: string;
}

function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    // Numeric character references (&#10; in attributes) are plain XML; decode them like any XML parser would.
    htmlEntities: true,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  });
  return parser.parse(xml).testsuites as {
    '@_tests': string;
    '@_failures': string;
    '@_errors': string;
    '@_skipped': string;
    testsuite: { '@_name': string; '@_tests': string; '@_failures': string; '@_errors': string; '@_skipped': string; testcase: Testcase[] }[];
  };
}

describe('junit.xml', () => {
  const root = parse(junitReport(fixtureReport()));
  const cases = root.testsuite.flatMap((s) => s.testcase);
  const byName = (id: string) => cases.find((c) => c['@_name'] === id)!;

  it('has one testsuite per category and one testcase per case, with the right counts', () => {
    expect(root.testsuite.map((s) => s['@_name'])).toEqual(['algorithm', 'claims', 'forwarding', 'transport', 'keys', 'idp-faults']);
    expect(cases.map((c) => c['@_name']).sort()).toEqual(fixtureCases().map((c) => c.id).sort());
    expect([root['@_tests'], root['@_failures'], root['@_errors'], root['@_skipped']]).toEqual(['11', '3', '1', '1']);
    const claims = root.testsuite.find((s) => s['@_name'] === 'claims')!;
    expect([claims['@_tests'], claims['@_failures'], claims['@_errors'], claims['@_skipped']]).toEqual(['4', '1', '0', '0']);
    expect(byName('claims/typ-at-jwt')['@_classname']).toBe('claims');
    expect(byName('claims/typ-at-jwt')['@_time']).toBe('0.012');
  });

  it('reports a failure with its level, expected vs actual and references', () => {
    const failure = byName('algorithm/hs256-with-public-key').failure!;
    expect(failure['@_type']).toBe('fail');
    expect(failure['@_message']).toBe('[MUST] upstream was reached');
    expect(failure['#text']).toContain('expected: reject; status 401; WWW-Authenticate error="invalid_token"; upstream untouched');
    expect(failure['#text']).toContain('  actual: status 200; upstream reached');
    expect(failure['#text']).toContain(`status 200, expected 401 ${HOSTILE.script}`);
    expect(failure['#text']).toContain('references: RFC 8725 §3.1');
    expect(byName('claims/iat-in-future').failure!['@_message']).toBe('[SHOULD] upstream was reached');
  });

  it('lists only the failing steps of a multi-step failure', () => {
    const text = byName('keys/unknown-kid-flood').failure!['#text'];
    expect(text).toContain('step 8/10: fail');
    expect(text).not.toContain('step 1/10');
  });

  it('maps error → <error>, skipped → <skipped message>, non-strict and either → pass with a note', () => {
    const error = byName('idp-faults/jwks-down').error!;
    expect(error['@_message']).toBe('mock-idp fault API refused: 500');
    expect(error['#text']).toContain(`at drive (${HOSTILE.script})`);
    expect(byName('transport/query-token').skipped!['@_message']).toBe('target profile lacks feature token-in-query');
    const nonStrict = byName('claims/exp-in-past');
    expect(nonStrict.failure).toBeUndefined();
    expect(nonStrict['system-out']).toContain('non-strict');
    expect(nonStrict['system-out']).toContain('actual: status 403');
    expect(byName('keys/kid-absent-multiple-keys')['system-out']).toContain('chose to reject');
    expect(byName('algorithm/alg-none').failure).toBeUndefined();
    expect(byName('algorithm/alg-none').properties.property).toEqual([
      { '@_name': 'title', '@_value': 'title of algorithm/alg-none' },
      { '@_name': 'level', '@_value': 'must' },
    ]);
  });

  it('passes a weaker case, with a gatecheck.weaker property naming the clause and the clause in <system-out>', () => {
    const weaker = byName('claims/exp-absent');
    expect(weaker.failure).toBeUndefined();
    expect(weaker.error).toBeUndefined();
    expect(weaker.properties.property).toContainEqual({ '@_name': 'gatecheck.weaker', '@_value': WEAKER_CLAUSE });
    expect(weaker['system-out']).toContain(`weaker: allowed by the target's contract, but weaker than ${WEAKER_CLAUSE} (RFC 9068 §2.2 <https://www.rfc-editor.org/rfc/rfc9068#section-2.2>)`);
    expect(weaker['system-out']).toContain('actual: status 200; upstream reached');
    expect(byName('algorithm/alg-none').properties.property.map((p) => p['@_name'])).not.toContain('gatecheck.weaker');
  });

  it('can count non-strict results as failures', () => {
    const strict = parse(junitReport(fixtureReport(), { nonStrict: 'failure' }));
    expect(strict['@_failures']).toBe('4');
    const testcase = strict.testsuite.flatMap((s) => s.testcase).find((c) => c['@_name'] === 'claims/exp-in-past')!;
    expect(testcase.failure!['@_type']).toBe('non-strict');
  });

  it('stays well-formed with hostile strings: markup and quotes escaped, XML-illegal controls made visible', () => {
    const hostile = fixtureCases();
    hostile[0].title = `${HOSTILE.img}${HOSTILE.cdata}${HOSTILE.nul}${HOSTILE.ansi}\ud800`;
    hostile[1].steps[0].findings.unshift(`${HOSTILE.kid}\n${HOSTILE.nul}`);
    const xml = junitReport(fixtureReport(hostile));
    expect(xml).not.toContain('\u0000');
    expect(xml).not.toContain('\u001b');
    const parsedAgain = parse(xml).testsuite.flatMap((s) => s.testcase);
    const title = parsedAgain[0].properties.property[0]['@_value'];
    expect(title).toBe(`${HOSTILE.img}${HOSTILE.cdata}nul\\u0000byte\\u001b[2J\\u001b[31mOWNED\\u0007\\ud800`);
    expect(parsedAgain[1].failure!['@_message']).toBe(`[MUST] ${HOSTILE.kid}\nnul\\u0000byte`);
  });
});
