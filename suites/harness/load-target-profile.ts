import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fileProblem, targetProfileSchema, type TargetProfile } from '../../gateway-under-test/index.ts';
import { didYouMean } from './did-you-mean.ts';
import { HarnessError } from './harness-error.ts';

/** The keys the schema allows in the object at `path` (array indexes, optional and default wrappers walked through). */
function knownKeys(schema: unknown, path: readonly PropertyKey[]): string[] {
  type Def = { type: string; shape?: Record<string, unknown>; element?: unknown; innerType?: unknown; in?: unknown; options?: unknown[] };
  const def = (s: unknown) => (s as { _zod: { def: Def } })._zod.def;
  const walk = (s: unknown, rest: readonly PropertyKey[]): string[] => {
    const d = def(s);
    if (d.innerType) return walk(d.innerType, rest);
    if (d.type === 'pipe') return walk(d.in, rest);
    if (d.type === 'union') return d.options!.flatMap((o) => walk(o, rest));
    if (d.type === 'array') return typeof rest[0] === 'number' ? walk(d.element, rest.slice(1)) : [];
    if (d.type !== 'object') return [];
    if (rest.length === 0) return Object.keys(d.shape!);
    const next = d.shape![String(rest[0])];
    return next ? walk(next, rest.slice(1)) : [];
  };
  return walk(schema, path);
}

/** Validates a profile object; the error names the first offending key. */
export function parseTargetProfile(data: unknown, source = 'profile'): TargetProfile {
  const result = targetProfileSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  let key = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    key = [...issue.path.map(String), issue.keys[0]].filter(Boolean).join('.');
    message = `unknown key${didYouMean(issue.keys[0], knownKeys(targetProfileSchema, issue.path))}`;
  }
  throw new HarnessError('ERR_TARGET_PROFILE', `${source}: ${key ? `${key}: ` : ''}${message}`);
}

/** Reads a profile file: `.json` as JSON, anything else as YAML (a JSON superset). */
export async function loadTargetProfile(file: string): Promise<TargetProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new HarnessError('ERR_TARGET_PROFILE', `cannot read profile ${file}: ${fileProblem(file, e)}; give --profile a YAML or JSON profile (fixtures/targets/example-gateway.profile.yaml is an example)`);
  }
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new HarnessError('ERR_TARGET_PROFILE', `profile ${file} is not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseTargetProfile(data, file);
}
