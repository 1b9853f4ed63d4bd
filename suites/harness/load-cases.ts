import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CaseDefinition } from './define-case.ts';
import { idGlob } from './id-glob.ts';

export const CASES_DIR = fileURLToPath(new URL('../cases/', import.meta.url));

const LEVELS = new Set(['must', 'should', 'profile', 'either']);

export interface LoadedCase {
  /** `<category>/<slug>`, from the path (the definition's `id` must agree). */
  id: string;
  category: string;
  file: string;
  definition?: CaseDefinition;
  /** Set when the file could not be imported or is not a valid case: the case's verdict is `error`. */
  loadError?: string;
}

export interface LoadCasesOptions {
  dir?: string;
  /** `--only` patterns (see idGlob). */
  only?: string;
}

/**
 * Every `<category>/<slug>.case.ts` under the cases directory, sorted by id so runs are reproducible.
 * A broken file does not stop the run: it becomes one `error` case, because the other cases are still
 * worth running and the error still fails the run.
 */
export async function loadCases(options: LoadCasesOptions = {}): Promise<LoadedCase[]> {
  const dir = options.dir ?? CASES_DIR;
  const match = idGlob(options.only ?? '');
  const files: string[] = [];
  for (const category of (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory())) {
    for (const entry of await readdir(join(dir, category.name), { withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.case.ts')) files.push(join(dir, category.name, entry.name));
    }
  }
  const selected = files
    .map((file) => ({ file, id: relative(dir, file).split(sep).join('/').replace(/\.case\.ts$/, '') }))
    .filter((c) => match(c.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return Promise.all(selected.map(({ file, id }) => loadOne(file, id)));
}

async function loadOne(file: string, id: string): Promise<LoadedCase> {
  const category = id.split('/')[0];
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    return { id, category, file, loadError: `cannot load ${id}: ${(e as Error).message.split('\n')[0]}` };
  }
  const problem = validate(mod.default, id);
  if (problem) return { id, category, file, loadError: `${id}: ${problem}` };
  return { id, category, file, definition: mod.default as CaseDefinition };
}

/** The checks a run cannot do without; the case lint (test262-style) checks the rest. */
function validate(def: unknown, id: string): string | undefined {
  if (!def || typeof def !== 'object') return 'no default export (write `export default defineCase({...})`)';
  const d = def as Partial<CaseDefinition>;
  if (d.id !== id) return `id is ${JSON.stringify(d.id)} but the file says ${id}`;
  if (typeof d.title !== 'string' || !d.title) return 'title missing';
  if (!LEVELS.has(d.level as string)) return `level ${JSON.stringify(d.level)} is not one of must, should, profile, either`;
  if (!Array.isArray(d.features)) return 'features must be an array';
  if (!Array.isArray(d.references)) return 'references must be an array';
  if (d.expect === undefined && d.steps === undefined) return 'needs expect or steps';
  if (d.expect !== undefined && d.steps !== undefined) return 'give expect or steps, not both';
  return undefined;
}
