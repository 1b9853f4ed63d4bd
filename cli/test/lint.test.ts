import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { LINT_RULES } from '../../gateway-under-test/index.ts';
import { main } from '../gatecheck.ts';
import { runCli } from './support/run-cli.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/policies');
const tmp = mkdtempSync(join(tmpdir(), 'gatecheck-lint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `gatecheck …` in process: exit code, stdout, stderr. */
async function gatecheck(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}


afterEach(() => {
  process.exitCode = undefined;
});

/** `gatecheck lint` on a fixture, with its values file (`name.values.yaml` beside it) when it has one. */
async function lintFixture(fixture: string, ...flags: string[]) {
  // A policy's values file is beside it (name.values.yaml for name.xml); an APIOps folder's beside the folder.
  const values = join(FIXTURES, fixture.endsWith('.xml') ? fixture.replace(/\.xml$/, '.values.yaml') : `${fixture}.values.yaml`);
  return gatecheck('lint', ...flags, ...(existsSync(values) ? ['--policy-values', values] : []), join(FIXTURES, fixture));
}

/** The rule ids of a text report's findings, in order. */
const rulesOf = (out: string) => out.split('\n').filter((l) => /^\S.*:\d+: (error|warning) /.test(l)).map((l) => /: (?:error|warning) ([\w-]+):/.exec(l)![1]);

/** Each bad fixture and exactly the findings it exists to show. */
const BAD: Record<string, string[]> = {
  'apim/bad-no-audiences.xml': ['apim-no-audiences'],
  'apim/bad-azure-ad-no-audiences.xml': ['apim-azure-ad-no-audiences'],
  'apim/bad-multi-tenant-no-issuers.xml': ['apim-multi-tenant-any-issuer'],
  'apim/bad-unsigned-tokens.xml': ['apim-unsigned-tokens'],
  'apim/bad-expiration-optional.xml': ['apim-expiration-optional'],
  'apim/bad-clock-skew.xml': ['apim-clock-skew-large'],
  'apim/bad-short-symmetric-key.xml': ['apim-short-symmetric-key'],
  'apim/bad-rate-limit-header-key.xml': ['apim-rate-limit-unvalidated-key'],
  'apim/bad-rate-limit-raw-token.xml': ['apim-rate-limit-unvalidated-key'],
  'apim/bad-rate-limit-authorization-header.xml': ['apim-rate-limit-unvalidated-key'],
  'apim/bad-rate-limit-ip-after-validation.xml': ['apim-rate-limit-key-not-claim'],
  'apim/bad-authorization-forwarded.xml': ['apim-authorization-forwarded'],
  'apim/bad-claim-header-skip.xml': ['apim-claim-header-spoofable'],
  'apim/bad-app-id-uri-audience-v2-issuer.xml': ['apim-app-id-uri-audience-v2'],
  'apim/bad-audience-claim-conflict.xml': ['apim-audience-required-claim-conflict'],
  'apim/bad-check-header-authorization.xml': ['apim-check-header-authorization'],
  'apim/bad-hmac-key-named-value.xml': ['apim-hmac-key-named-value'],
  'apim/bad-cors-after-validation.xml': ['apim-cors-after-validation'],
  'apim/bad-cors-wildcard-credentials.xml': ['apim-cors-wildcard-credentials'],
  'apim/bad-unresolved-named-value.xml': ['unresolved-reference', 'unresolved-reference'],
  'apigee/bad-no-audience.xml': ['apigee-no-audience'],
  'apigee/bad-no-issuer.xml': ['apigee-no-issuer'],
  'apigee/bad-ignore-critical-headers.xml': ['apigee-ignore-critical-headers'],
  'apigee/bad-continue-on-error.xml': ['apigee-continue-on-error'],
  'apiops/bad-operation-drops-base': ['apim-operation-drops-base'],
  'apiops/bad-choose-method-unauthenticated': ['apim-choose-unvalidated-branch'],
  'apiops/bad-quota-header-key': ['apim-rate-limit-unvalidated-key'],
};

/** Fixtures with no finding at all. */
const CLEAN = [
  'apim/good-hardened.xml',
  'apim/good-rate-limit-anonymous-ip.xml',
  'apim/good-audience-and-aud-claim.xml',
  'apim/good-required-claims-aud.xml',
  'apim/good-check-header-presence.xml',
  'apim/good-named-values.xml',
  'apim/good-cors-before-validation.xml',
  'apigee/good-verify-jwt.xml',
  'apim/ms-validate-azure-ad-token.xml',
  'public/apigee/apigee-samples-verify-idp-token.xml',
  'apiops/good-orders',
  'apiops/good-choose-by-role',
  'apiops/good-subscription',
];

/**
 * For each rule, the good fixture that comes closest to its bad one: the near miss the rule must let
 * pass (a validated-claim counter key, an audience checked as a required aud claim, its values given).
 */
const GOOD: Record<string, string> = {
  'apim-no-audiences': 'apim/good-required-claims-aud.xml',
  'apim-azure-ad-no-audiences': 'apim/ms-validate-azure-ad-token.xml',
  'apim-multi-tenant-any-issuer': 'apim/good-hardened.xml',
  'apim-unsigned-tokens': 'apim/good-hardened.xml',
  'apim-expiration-optional': 'apim/good-hardened.xml',
  'apim-clock-skew-large': 'apim/good-hardened.xml',
  'apim-short-symmetric-key': 'apim/ms-simple-token-validation.xml',
  'apim-rate-limit-unvalidated-key': 'apim/good-rate-limit-anonymous-ip.xml',
  'apim-rate-limit-key-not-claim': 'apim/good-rate-limit-anonymous-ip.xml',
  'apim-authorization-forwarded': 'apim/good-hardened.xml',
  'apim-claim-header-spoofable': 'apim/good-hardened.xml',
  'apim-app-id-uri-audience-v2': 'public/apim/learn-protect-backend-app-id-uri.xml',
  'apim-audience-required-claim-conflict': 'apim/good-audience-and-aud-claim.xml',
  'apim-check-header-authorization': 'apim/good-check-header-presence.xml',
  'apim-hmac-key-named-value': 'apim/good-named-values.xml',
  'apim-cors-after-validation': 'apim/good-cors-before-validation.xml',
  'apim-cors-wildcard-credentials': 'apim/good-cors-before-validation.xml',
  'unresolved-reference': 'apim/good-named-values.xml',
  'apigee-no-audience': 'apigee/good-verify-jwt.xml',
  'apigee-no-issuer': 'apigee/good-verify-jwt.xml',
  'apigee-ignore-critical-headers': 'apigee/good-verify-jwt.xml',
  'apigee-continue-on-error': 'apigee/good-verify-jwt.xml',
  'apim-operation-drops-base': 'apiops/good-orders',
  'apim-choose-unvalidated-branch': 'apiops/good-choose-by-role',
};

/** What lint says about each published policy, kept verbatim in fixtures/policies/public (with its values file). */
const PUBLIC: Record<string, string[]> = {
  'public/apim/learn-protect-backend-v1-issuer.xml': ['apim-authorization-forwarded'],
  'public/apim/learn-protect-backend-app-id-uri.xml': ['apim-authorization-forwarded', 'apim-audience-required-claim-conflict'],
  'public/apim/learn-validate-jwt-simple-token-validation.xml': ['apim-authorization-forwarded', 'apim-hmac-key-named-value'],
  'public/apim/learn-validate-jwt-authorize-by-claims.xml': ['apim-authorization-forwarded', 'apim-hmac-key-named-value'],
  'public/apim/learn-validate-jwt-rsa-certificate.xml': ['apim-authorization-forwarded'],
  'public/apim/learn-validate-azure-ad-token-simple.xml': ['apim-authorization-forwarded', 'apim-azure-ad-no-audiences'],
  'public/apim/learn-validate-azure-ad-token-audience-claim.xml': ['apim-authorization-forwarded'],
  'public/apim/learn-rate-limit-by-key-ip.xml': [],
  'public/apim/learn-quota-by-key-ip.xml': [],
  'public/apim/learn-throttling-ip.xml': [],
  'public/apim/learn-throttling-user-identity.xml': ['apim-rate-limit-unvalidated-key'],
  'public/apim/learn-throttling-client-driven.xml': ['apim-rate-limit-unvalidated-key'],
  'public/apim/learn-check-header.xml': ['apim-check-header-authorization'],
  'public/apim/snippets-pre-authorize-by-method.xml': [
    'apim-authorization-forwarded', 'apim-no-audiences', 'apim-hmac-key-named-value', 'apim-no-audiences', 'apim-hmac-key-named-value', 'apim-no-audiences', 'apim-hmac-key-named-value',
  ],
  'public/apim/snippets-custom-error-messages.xml': ['apim-authorization-forwarded', 'apim-no-audiences', 'apim-hmac-key-named-value'],
  'public/apim/snippets-oauth-proxy-validate-token-fragment.xml': ['apim-authorization-forwarded', 'apim-azure-ad-no-audiences'],
  'public/apim/snippets-power-query.xml': ['apim-authorization-forwarded'],
  'public/apim/snippets-parse-jwt-with-expressions.xml': ['apim-authorization-forwarded', 'apim-no-audiences', 'apim-hmac-key-named-value'],
  'public/apigee/apigee-samples-verify-idp-token.xml': [],
  'public/apigee/apigee-samples-verify-signed.xml': ['apigee-no-issuer'],
  'public/apigee/apigee-samples-verify-encrypted.xml': ['apigee-no-issuer'],
  'public/apigee/devrel-identity-facade-verify-jwt.xml': ['apigee-no-audience', 'apigee-no-issuer'],
  'public/apigee/api-platform-samples-perfproxy-verify-jwt.xml': ['apigee-no-issuer'],
};

describe('gatecheck lint', () => {
  test('every rule has a bad and a good fixture, and every bad fixture is listed', () => {
    const ids = LINT_RULES.map((r) => r.id);
    expect(new Set(Object.values(BAD).flat())).toEqual(new Set(ids));
    expect(Object.keys(GOOD).sort()).toEqual([...ids].sort());
    for (const dir of ['apim', 'apigee']) {
      for (const f of readdirSync(join(FIXTURES, dir)).filter((n) => n.startsWith('bad-') && n.endsWith('.xml'))) expect(BAD, f).toHaveProperty(`${dir}/${f}`);
    }
  });

  for (const [file, rules] of Object.entries(BAD)) {
    test(`${file} shows ${[...new Set(rules)].join(', ')} and nothing else, each with a line and a fix`, async () => {
      const r = await lintFixture(file);
      expect(rulesOf(r.out)).toEqual(rules);
      expect(r.out).toMatch(/\n    fix: \S/);
      const errors = rules.some((id) => LINT_RULES.find((x) => x.id === id)!.severity === 'error');
      expect(r.code).toBe(errors ? 1 : 0);
    });
  }

  for (const [rule, file] of Object.entries(GOOD)) {
    test(`${file} is the near miss ${rule} lets pass`, async () => {
      const r = await lintFixture(file);
      expect(r.err).toBe('');
      expect(rulesOf(r.out)).not.toContain(rule);
    });
  }

  for (const file of CLEAN) {
    test(`${file} has no finding (exit 0)`, async () => {
      const r = await lintFixture(file);
      expect(r.out).toMatch(/0 error\(s\), 0 warning\(s\)/);
      expect(r.code).toBe(0);
    });
  }

  test('every published policy is listed, and each gets exactly its findings', async () => {
    const published = ['apim', 'apigee'].flatMap((d) => readdirSync(join(FIXTURES, 'public', d)).filter((n) => n.endsWith('.xml')).map((n) => `public/${d}/${n}`));
    expect(Object.keys(PUBLIC).concat('public/apim/learn-validate-jwt-customer-tenant.xml').sort()).toEqual(published.sort());
    for (const [file, rules] of Object.entries(PUBLIC)) expect([file, rulesOf((await lintFixture(file)).out)]).toEqual([file, rules]);
  });

  test('the minimal policy only warns that Authorization reaches the backend', async () => {
    const r = await gatecheck('lint', join(FIXTURES, 'apim/minimal-validate-jwt.xml'));
    expect(r.out).toContain('minimal-validate-jwt.xml:4: warning apim-authorization-forwarded');
    expect(r.code).toBe(0);
  });

  test('without a values file, lint still judges the policy and names each reference it could not resolve', async () => {
    const r = await gatecheck('lint', join(FIXTURES, 'apim/ms-simple-token-validation.xml'));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('ms-simple-token-validation.xml:6: warning unresolved-reference: a named value or variable reference has no value, so the checks that need it were skipped ({{jwt-signing-key}})');
    expect(r.out).toContain('ms-simple-token-validation.xml:6: warning apim-hmac-key-named-value');
    expect(r.out).toContain('fix: give its value with --policy-values FILE');
  });

  test('Microsoft\'s example of a v2 openid-config and the v1 issuer, filled as its hints say, is the conflict the rule names', async () => {
    const r = await lintFixture('public/apim/learn-protect-backend-app-id-uri.xml');
    expect(r.out).toContain('learn-protect-backend-app-id-uri.xml:10: error apim-audience-required-claim-conflict: <audiences> and a required aud claim share no value: an Entra token carries one aud, so every token fails one of the two checks (<audiences> api://legacy-api; aud claim 9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d)');
    expect(r.code).toBe(1);
  });

  test('--format sarif validates against the OASIS SARIF 2.1.0 schema, with rule ids, levels and lines', async () => {
    const files = [...Object.keys(BAD), ...Object.keys(PUBLIC)].map((f) => join(FIXTURES, f));
    // No values file: unresolved references are findings too, and file names with spaces must stay valid URIs.
    const r = await gatecheck('lint', '--format', 'sarif', ...files);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    const { id, $schema: _, ...schema } = JSON.parse(readFileSync(join(FIXTURES, 'sarif/sarif-schema-2.1.0.json'), 'utf8'));
    // The schema is draft-04; its only keyword draft-07 (Ajv's default) spells differently is the top-level id.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile({ $id: id, ...schema });
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    // The schema check is not vacuous: a log without its version is refused.
    expect(validate({ ...log, version: undefined })).toBe(false);
    const run = log.runs[0];
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    expect(new Set(run.results.map((x: { ruleId: string }) => x.ruleId))).toEqual(new Set(LINT_RULES.map((x) => x.id)));
  });

  test.each([
    ['invalid/malformed.xml', /malformed\.xml:5: malformed XML/],
    ['invalid/unknown-policy.xml', /unknown-policy\.xml:4: unknown APIM policy <validate-jwtt>/],
    ['invalid/unsupported-attribute.xml', /unsupported-attribute\.xml:3: <validate-jwt> has no attribute "require-audience"/],
  ])('%s is one line on stderr with the line number, exit 2', async (file, message) => {
    const r = await gatecheck('lint', join(FIXTURES, file));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });

  test('an unknown --format and a missing file are usage errors (exit 2)', async () => {
    expect((await gatecheck('lint', '--format', 'xml', join(FIXTURES, 'apim/good-hardened.xml'))).code).toBe(2);
    const r = await gatecheck('lint', join(FIXTURES, 'apim/no-such.xml'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^gatecheck lint: cannot read policy \/\S+\/no-such\.xml: no such file; give the path of an APIM or Apigee policy XML file\n$/);
  });
});

describe('input as exported', () => {
  test('an XML declaration, a BOM, comments and CDATA are read; lines stay those of the file', async () => {
    const file = join(tmp, 'exported.xml');
    const apim = readFileSync(join(FIXTURES, 'apim/bad-no-audiences.xml'), 'utf8');
    writeFileSync(file, `\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<!-- exported -->\r\n${apim.replace('<inbound>', '<inbound><![CDATA[ ]]>').replaceAll('\n', '\r\n')}`);
    const r = await gatecheck('lint', file);
    expect(r.err).toBe('');
    expect(rulesOf(r.out)).toEqual(['apim-no-audiences']);
    expect(r.out).toContain('exported.xml:5: error apim-no-audiences');
  });

  test('policy expressions written unescaped, as Microsoft Learn prints them, are read', async () => {
    const r = await lintFixture('public/apim/learn-quota-by-key-ip.xml');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('bad input: one line on stderr, exit 2, nothing written', () => {
  const policy = join(FIXTURES, 'apim/good-named-values.xml');
  const values = join(FIXTURES, 'apim/good-named-values.values.yaml');

  test('a missing values file, on each command that takes one', async () => {
    const commands = [
      ['lint', '--policy-values', 'missing.yaml', policy],
      ['run', '--apim-policy', policy, '--policy-values', 'missing.yaml', '--report', join(tmp, 'report-run')],
      ['gateway', '--apim-policy', policy, '--policy-values', 'missing.yaml', '--upstream', 'http://127.0.0.1:9'],
      ['matrix', '--targets', `apim-policy=${policy}`, '--policy-values', 'missing.yaml', '--report', join(tmp, 'report-matrix')],
    ];
    // Started together, so each CLI gets a share of the cores: the bounds allow for a loaded CI machine.
    const results = await Promise.all(commands.map((args) => runCli(args, { cwd: tmp, timeoutMs: 45_000 })));
    results.forEach((r, i) => {
      expect(r.stderr).toBe(`gatecheck ${commands[i][0]}: missing.yaml: cannot read the policy values file: no such file (looked for ${join(tmp, 'missing.yaml')}); give --policy-values a YAML or JSON file of name: value lines\n`);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    });
    expect(existsSync(join(tmp, 'report-run'))).toBe(false);
    expect(existsSync(join(tmp, 'report-matrix'))).toBe(false);
  }, 90_000);

  test('a malformed values file names its line (child process)', async () => {
    const file = join(tmp, 'bad-0.yaml');
    writeFileSync(file, 'aad-tenant-id: 7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c\norders: a: b\n');
    const r = await runCli(['lint', '--policy-values', file, policy], { cwd: tmp, timeoutMs: 20_000 });
    expect(r.stderr).toMatch(/^gatecheck lint: \S+bad-0\.yaml:2: not valid YAML or JSON: .+; expected name: value lines\n$/);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  test.each([
    ['a list', '- aad-tenant-id\n', /^gatecheck lint: \S+\.yaml:1: expected a mapping of name: value lines at the top level\n$/],
    ['a nested value', 'propertyset:\n  idp:\n    issuer: x\n', /^gatecheck lint: \S+\.yaml:1: "propertyset": expected a text value \(write nested names flat, e\.g\. propertyset\.idp\.jwks_uri: https:\/\/…\)\n$/],
    ['a name given twice', 'a: 1\nb: 2\na: 3\n', /^gatecheck lint: \S+\.yaml:3: not valid YAML or JSON: .+\n$/],
    ['braces around a name', '"{{aad-tenant-id}}": x\n', /^gatecheck lint: \S+\.yaml:1: name "\{\{aad-tenant-id\}\}": write it without the braces the policy puts around it \(aad-tenant-id: value\)\n$/],
    ['an empty file', '', /^gatecheck lint: \S+\.yaml:1: is empty; expected name: value lines, e\.g\. aad-tenant-id: .+\n$/],
  ])('a values file with %s names its line', async (what, text, message) => {
    const file = join(tmp, `${what.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, text);
    const r = await gatecheck('lint', '--policy-values', file, policy);
    expect(r.err).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
  });

  test('a named value the values file lacks: run names it, its file and line, and the line to add', async () => {
    const partial = join(tmp, 'partial.yaml');
    writeFileSync(partial, 'aad-tenant-id: 7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c\n');
    const r = await runCli(['run', '--apim-policy', policy, '--policy-values', partial, '--report', join(tmp, 'report-partial')], { cwd: tmp, timeoutMs: 20_000 });
    expect(r.stderr).toBe(`gatecheck run: ${policy}:6: named value {{orders-api-app-id}} has no value; ${partial} has no "orders-api-app-id": add a line orders-api-app-id: <value>\n`);
    expect(r.code).toBe(2);
    expect(existsSync(join(tmp, 'report-partial'))).toBe(false);
  });

  test('without a values file, run names the flag to use', async () => {
    const r = await runCli(['gateway', '--apim-policy', policy, '--upstream', 'http://127.0.0.1:9'], { cwd: tmp, timeoutMs: 20_000 });
    expect(r.stderr).toBe(`gatecheck gateway: ${policy}:5: named value {{aad-tenant-id}} has no value; give it with --policy-values FILE, a YAML or JSON file with the line aad-tenant-id: <value> (1 more without a value: orders-api-app-id)\n`);
    expect(r.code).toBe(2);
  });

  test('an unknown policy element is one line with its file and line', async () => {
    const r = await runCli(['run', '--apim-policy', join(FIXTURES, 'invalid/unknown-policy.xml'), '--policy-values', values, '--report', join(tmp, 'report-unknown')], { cwd: tmp, timeoutMs: 20_000 });
    expect(r.stderr).toBe(`gatecheck run: ${join(FIXTURES, 'invalid/unknown-policy.xml')}:4: unknown APIM policy <validate-jwtt>\n`);
    expect(r.code).toBe(2);
    expect(existsSync(join(tmp, 'report-unknown'))).toBe(false);
  });

  test('--policy-values without a policy is a usage error', async () => {
    expect((await runCli(['gateway', '--config', 'x.yaml', '--policy-values', values], { cwd: tmp, timeoutMs: 20_000 })).stderr).toBe('gatecheck gateway: --policy-values applies to a policy: give --apim-policy FILE or --apigee-policy FILE too\n');
    expect((await runCli(['matrix', '--targets', 'reference', '--policy-values', values], { cwd: tmp, timeoutMs: 20_000 })).stderr).toBe('gatecheck matrix: --policy-values applies to policy targets: add apim-policy=FILE or apigee-policy=FILE to --targets\n');
  });
});

describe('gatecheck gateway --apim-policy / --apigee-policy', () => {
  test('a policy that cannot be read is one line with file and line, exit 2, and nothing is started', async () => {
    const r = await gatecheck('gateway', '--apim-policy', join(FIXTURES, 'invalid/unknown-policy.xml'), '--upstream', 'http://127.0.0.1:9');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown-policy\.xml:4: unknown APIM policy <validate-jwtt>/);
  });

  test('the wrong flag for the policy kind, a missing --upstream, and two policies are usage errors (exit 2)', async () => {
    const apigee = join(FIXTURES, 'apigee/good-verify-jwt.xml');
    const wrong = await gatecheck('gateway', '--apim-policy', apigee, '--upstream', 'http://127.0.0.1:9', '--idp', 'http://127.0.0.1:9');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('use --apigee-policy');
    expect((await gatecheck('gateway', '--apigee-policy', apigee)).err).toContain('needs --upstream');
    expect((await gatecheck('gateway', '--apigee-policy', apigee, '--apim-policy', apigee, '--upstream', 'http://127.0.0.1:9')).code).toBe(2);
  });
});

describe('an APIOps-extracted folder to --apim-policy DIR and lint DIR', () => {
  const good = join(FIXTURES, 'apiops/good-orders');
  const goodValues = join(FIXTURES, 'apiops/good-orders.values.yaml');
  const bad = join(FIXTURES, 'apiops/bad-operation-drops-base');
  const badValues = join(FIXTURES, 'apiops/bad-operation-drops-base.values.yaml');
  const dropping = join(bad, 'apis/orders-api/operations/get-orders/policy.xml');

  /** A copy of the good folder with `change` applied, under tmp. */
  function variant(name: string, change: (dir: string) => void): string {
    const dir = join(tmp, name);
    cpSync(good, dir, { recursive: true });
    change(dir);
    return dir;
  }

  test('run: the good folder exits 0 end to end (both operations routes, each with its role)', async () => {
    const r = await runCli(['run', '--apim-policy', good, '--policy-values', goodValues, '--report', join(tmp, 'apiops-good')], { cwd: tmp, timeoutMs: 120_000 });
    expect(r.stderr).not.toMatch(/^gatecheck run:/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/MUST failures: 0/);
    const report = JSON.parse(readFileSync(join(tmp, 'apiops-good/report.json'), 'utf8')) as { cases: { id: string; verdict: string }[] };
    expect(report.cases.find((c) => c.id === 'claims/post-with-read-role-only')?.verdict).toBe('pass');
  }, 150_000);

  test('run: the folder whose operation drops <base/> exits 1 with that route\'s failures', async () => {
    const r = await runCli(['run', '--apim-policy', bad, '--policy-values', badValues, '--report', join(tmp, 'apiops-bad')], { cwd: tmp, timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ MUST\s+algorithm\/alg-none-unsigned/);
    expect(r.stdout).toMatch(/✖ MUST\s+claims\/audience-of-another-api/);
  }, 150_000);

  test('lint names the operation file and the line of its <inbound> without <base/>', async () => {
    const r = await gatecheck('lint', bad, '--policy-values', badValues);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${dropping}:3: error apim-operation-drops-base: `);
    expect(r.out).toContain('(drops <rate-limit-by-key>, <validate-jwt>)');
    expect((await gatecheck('lint', good, '--policy-values', goodValues)).code).toBe(0);
  });

  test('bad folders: one line naming file and line, exit 2, nothing written', async () => {
    const noApis = variant('no-apis', (d) => rmSync(join(d, 'apis'), { recursive: true }));
    const unknownOp = variant('unknown-op', (d) => cpSync(join(d, 'apis/orders-api/operations/get-orders'), join(d, 'apis/orders-api/operations/delete-order'), { recursive: true }));
    const twoBases = variant('two-bases', (d) => {
      const f = join(d, 'apis/orders-api/operations/create-order/policy.xml');
      writeFileSync(f, readFileSync(f, 'utf8').replace('\t\t<base />\n', '\t\t<base />\n\t\t<base />\n'));
    });
    const nestedBase = variant('nested-base', (d) => {
      const f = join(d, 'apis/orders-api/policy.xml');
      writeFileSync(f, readFileSync(f, 'utf8').replace('\t\t<base />\n', '\t\t<choose><when condition="@(true)"><base /></when></choose>\n'));
    });
    const differing = variant('differing-audience', (d) => {
      const f = join(d, 'apis/orders-api/operations/create-order/policy.xml');
      writeFileSync(f, readFileSync(f, 'utf8').replace('\t\t<base />\n', '').replace('{{orders-api-app-id}}', 'api://other'));
    });
    const cases: [string, RegExp][] = [
      [noApis, /^gatecheck run: \S+no-apis: no apis\/ folder: expected an APIOps-extracted folder .+\n$/],
      [unknownOp, /^gatecheck run: \S+unknown-op\/apis\/orders-api\/operations\/delete-order\/policy\.xml: operation delete-order is not in specification\.yaml \(its operationIds: get-orders, create-order\); .+\n$/],
      [twoBases, /^gatecheck run: \S+two-bases\/apis\/orders-api\/operations\/create-order\/policy\.xml:5: a second <base\/> in <inbound>: .+\n$/],
      [nestedBase, /^gatecheck run: \S+nested-base\/apis\/orders-api\/policy\.xml:4: <base\/> must stand directly in <inbound>, not inside <when>\n$/],
      [differing, /^gatecheck run: \S+differing-audience\/apis\/orders-api\/operations\/create-order\/policy\.xml:4: operation create-order validates tokens differently from get-orders \(\S+orders-api\/policy\.xml:5\) in audiences, claimHeaders: .+\n$/],
    ];
    // Five CLIs started together share the cores: the bounds allow for a loaded CI machine.
    const results = await Promise.all(cases.map(([dir], i) => runCli(['run', '--apim-policy', dir, '--policy-values', goodValues, '--report', join(tmp, `apiops-bad-input-${i}`)], { cwd: tmp, timeoutMs: 60_000 })));
    results.forEach((r, i) => {
      expect(r.stderr, cases[i][0]).toMatch(cases[i][1]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(existsSync(join(tmp, `apiops-bad-input-${i}`))).toBe(false);
    });
    const lint = await runCli(['lint', twoBases, '--policy-values', goodValues], { cwd: tmp, timeoutMs: 20_000 });
    expect(lint.stderr).toMatch(/^gatecheck lint: \S+create-order\/policy\.xml:5: a second <base\/> in <inbound>: .+\n$/);
    expect(lint.code).toBe(2);
  }, 120_000);
});
