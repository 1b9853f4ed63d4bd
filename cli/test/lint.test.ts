import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { LINT_RULES } from '../../gateway-under-test/index.ts';
import { main } from '../gatecheck.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/policies');

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

/** Each bad fixture and the one rule it exists to trigger. */
const BAD: Record<string, string> = {
  'apim/bad-no-audiences.xml': 'apim-no-audiences',
  'apim/bad-azure-ad-no-audiences.xml': 'apim-azure-ad-no-audiences',
  'apim/bad-multi-tenant-no-issuers.xml': 'apim-multi-tenant-any-issuer',
  'apim/bad-unsigned-tokens.xml': 'apim-unsigned-tokens',
  'apim/bad-expiration-optional.xml': 'apim-expiration-optional',
  'apim/bad-clock-skew.xml': 'apim-clock-skew-large',
  'apim/bad-short-symmetric-key.xml': 'apim-short-symmetric-key',
  'apim/bad-rate-limit-header-key.xml': 'apim-rate-limit-unvalidated-key',
  'apim/bad-rate-limit-raw-token.xml': 'apim-rate-limit-unvalidated-key',
  'apim/bad-authorization-forwarded.xml': 'apim-authorization-forwarded',
  'apim/bad-claim-header-skip.xml': 'apim-claim-header-spoofable',
  'apim/bad-app-id-uri-audience-v2-issuer.xml': 'apim-app-id-uri-audience-v2',
  'apigee/bad-no-audience.xml': 'apigee-no-audience',
  'apigee/bad-no-issuer.xml': 'apigee-no-issuer',
  'apigee/bad-ignore-critical-headers.xml': 'apigee-ignore-critical-headers',
  'apigee/bad-continue-on-error.xml': 'apigee-continue-on-error',
};
const GOOD = ['apim/good-hardened.xml', 'apigee/good-verify-jwt.xml', 'apim/ms-simple-token-validation.xml', 'apim/ms-validate-azure-ad-token.xml'];

describe('gatecheck lint', () => {
  test('every rule has a bad fixture, and every bad fixture is listed', () => {
    expect(new Set(Object.values(BAD))).toEqual(new Set(LINT_RULES.map((r) => r.id)));
    for (const dir of ['apim', 'apigee']) {
      for (const f of readdirSync(join(FIXTURES, dir)).filter((n) => n.startsWith('bad-'))) expect(BAD, f).toHaveProperty(`${dir}/${f}`);
    }
  });

  for (const [file, rule] of Object.entries(BAD)) {
    test(`${file} triggers ${rule} and nothing else, with a line and a fix`, async () => {
      const r = await gatecheck('lint', join(FIXTURES, file));
      const findings = r.out.split('\n').filter((l) => /^\S+:\d+: (error|warning) /.test(l));
      expect(findings.map((l) => l.split(' ')[2].replace(/:$/, ''))).toEqual([rule]);
      expect(r.out).toMatch(/\n    fix: \S/);
      const severity = LINT_RULES.find((x) => x.id === rule)!.severity;
      expect(r.code).toBe(severity === 'error' ? 1 : 0);
    });
  }

  for (const file of GOOD) {
    test(`${file} has no finding (exit 0)`, async () => {
      const r = await gatecheck('lint', join(FIXTURES, file));
      expect(r.out).toMatch(/0 error\(s\), 0 warning\(s\)/);
      expect(r.code).toBe(0);
    });
  }

  test('the minimal policy only warns that Authorization reaches the backend', async () => {
    const r = await gatecheck('lint', join(FIXTURES, 'apim/minimal-validate-jwt.xml'));
    expect(r.out).toContain('minimal-validate-jwt.xml:4: warning apim-authorization-forwarded');
    expect(r.code).toBe(0);
  });

  test('--format sarif is a structurally valid SARIF 2.1.0 log with rule ids, levels and lines', async () => {
    const files = Object.keys(BAD).map((f) => join(FIXTURES, f));
    const r = await gatecheck('lint', '--format', 'sarif', ...files);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    // The parts of the OASIS SARIF 2.1.0 schema that viewers (GitHub code scanning) rely on.
    const schema = {
      type: 'object',
      required: ['version', 'runs'],
      properties: {
        version: { const: '2.1.0' },
        runs: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['tool', 'results'],
            properties: {
              tool: {
                type: 'object',
                required: ['driver'],
                properties: {
                  driver: {
                    type: 'object',
                    required: ['name', 'rules'],
                    properties: {
                      rules: {
                        type: 'array',
                        items: { type: 'object', required: ['id', 'shortDescription'], properties: { id: { type: 'string' }, shortDescription: { type: 'object', required: ['text'] }, defaultConfiguration: { type: 'object', properties: { level: { enum: ['none', 'note', 'warning', 'error'] } } } } },
                      },
                    },
                  },
                },
              },
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['ruleId', 'message', 'locations'],
                  properties: {
                    ruleId: { type: 'string' },
                    ruleIndex: { type: 'integer', minimum: 0 },
                    level: { enum: ['none', 'note', 'warning', 'error'] },
                    message: { type: 'object', required: ['text'] },
                    locations: {
                      type: 'array',
                      minItems: 1,
                      items: { type: 'object', required: ['physicalLocation'], properties: { physicalLocation: { type: 'object', required: ['artifactLocation', 'region'], properties: { artifactLocation: { type: 'object', required: ['uri'] }, region: { type: 'object', required: ['startLine'], properties: { startLine: { type: 'integer', minimum: 1 } } } } } } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    };
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0];
    expect(run.results).toHaveLength(files.length);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    expect(new Set(run.results.map((x: { ruleId: string }) => x.ruleId))).toEqual(new Set(Object.values(BAD)));
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
