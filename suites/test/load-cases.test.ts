import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idGlob } from '../harness/id-glob.ts';
import { loadCases } from '../harness/load-cases.ts';

describe('idGlob (--only)', () => {
  it('matches within a segment with *, across with **, a bare word as a category, commas as alternatives', () => {
    const m = idGlob('claims/exp-*,keys');
    expect(['claims/exp-missing', 'claims/exp-10-minutes-ago', 'keys/unknown-kid', 'claims/aud-foreign', 'keysx/a'].filter(m)).toEqual([
      'claims/exp-missing',
      'claims/exp-10-minutes-ago',
      'keys/unknown-kid',
    ]);
    expect(idGlob('*')('claims/x')).toBe(false);
    expect(idGlob('**')('claims/x')).toBe(true);
    expect(idGlob('')('anything/at-all')).toBe(true);
  });
});

describe('loadCases', () => {
  let dir: string;
  const write = async (rel: string, text: string) => {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), text);
  };
  const valid = (id: string) => `export default { id: '${id}', title: 't', level: 'must', references: [], covers: [], features: [], expect: { outcome: 'reject' } };\n`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecheck-cases-'));
    await write('b-cat/z.case.ts', valid('b-cat/z'));
    await write('a-cat/y.case.ts', valid('a-cat/y'));
    await write('a-cat/wrong-id.case.ts', valid('a-cat/other'));
    await write('a-cat/syntax.case.ts', 'export default {');
    await write('a-cat/notes.md', 'not a case');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads every <category>/<slug>.case.ts sorted by id; a broken file becomes one error entry, not a crash', async () => {
    const cases = await loadCases({ dir });
    expect(cases.map((c) => [c.id, c.loadError ? 'error' : 'ok'])).toEqual([
      ['a-cat/syntax', 'error'],
      ['a-cat/wrong-id', 'error'],
      ['a-cat/y', 'ok'],
      ['b-cat/z', 'ok'],
    ]);
    expect(cases[1].loadError).toBe('a-cat/wrong-id: id is "a-cat/other" but the file says a-cat/wrong-id');
  });

  it('filters by --only before importing', async () => {
    expect((await loadCases({ dir, only: 'b-cat' })).map((c) => c.id)).toEqual(['b-cat/z']);
  });
});
