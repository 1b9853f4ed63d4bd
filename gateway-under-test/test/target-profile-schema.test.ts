import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { targetProfileJsonSchema, targetProfileSchema } from '../index.ts';

const SCHEMA_FILE = new URL('../target-profile.schema.json', import.meta.url);
const EXAMPLE = new URL('../../fixtures/targets/example-gateway.profile.yaml', import.meta.url);

async function jsonSchemaValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, 'utf8')));
}

describe('the target contract has one schema, exported as JSON Schema', () => {
  it('the committed JSON Schema is the one the zod schema generates (node scripts/write-target-profile-schema.ts)', async () => {
    expect(JSON.parse(await readFile(SCHEMA_FILE, 'utf8'))).toEqual(targetProfileJsonSchema());
  });

  it('the worked example profile is valid under both', async () => {
    const example = parseYaml(await readFile(EXAMPLE, 'utf8'));
    const validate = await jsonSchemaValidator();
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(targetProfileSchema.safeParse(example).success).toBe(true);
  });

  it('refuses a misspelt key under both, naming it', async () => {
    const example = parseYaml(await readFile(EXAMPLE, 'utf8'));
    const wrong = { ...example, token: { ...example.token, requireExpiry: false } };
    const validate = await jsonSchemaValidator();
    expect(validate(wrong)).toBe(false);
    const parsed = targetProfileSchema.safeParse(wrong);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('requireExpiry');
  });

  it('refuses a contract with no audiences unless it says it checks none (RFC 9068 §4)', async () => {
    const example = parseYaml(await readFile(EXAMPLE, 'utf8'));
    const none = targetProfileSchema.safeParse({ ...example, audiences: [] });
    expect(none.success).toBe(false);
    expect(none.error?.issues[0].path).toEqual(['audiences']);
    expect(targetProfileSchema.safeParse({ ...example, audiences: [], token: { ...example.token, checkAudience: false } }).success).toBe(true);
  });
});
