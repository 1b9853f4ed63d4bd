import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { loadTargetProfile } from '../harness/load-target-profile.ts';

const EXAMPLE = fileURLToPath(new URL('../../fixtures/targets/example-gateway.profile.yaml', import.meta.url));

test('the README\'s worked example profile loads with the strict schema and names only registered features', async () => {
  const profile = await loadTargetProfile(EXAMPLE);
  const registry = JSON.parse(readFileSync(new URL('../../fixtures/features.json', import.meta.url), 'utf8')) as { features: Record<string, string> };
  expect(profile.name).toBe('my-gateway');
  expect(profile.routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.auth}`)).toEqual([
    'GET /health anonymous',
    'GET /api/orders* required',
    'POST /api/orders* required',
  ]);
  expect(profile.features.filter((f) => !(f in registry.features))).toEqual([]);
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  expect(readme).toContain('fixtures/targets/example-gateway.profile.yaml');
});
