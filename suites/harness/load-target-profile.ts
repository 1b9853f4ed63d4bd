import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fileProblem, targetProfileSchema, type TargetProfile } from '../../gateway-under-test/index.ts';
import { HarnessError } from './harness-error.ts';

/** Validates a profile object; the error names the first offending key. */
export function parseTargetProfile(data: unknown, source = 'profile'): TargetProfile {
  const result = targetProfileSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  let key = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    key = [...issue.path.map(String), issue.keys[0]].filter(Boolean).join('.');
    message = 'unknown key';
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
