import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../../suites/harness/did-you-mean.ts';
import { LoadInputError } from '../runner/load-input-error.ts';
import { ScenarioSchema, type Scenario } from './scenario-schema.ts';

const DIR = fileURLToPath(new URL('.', import.meta.url));

/** Names of the scenarios shipped in load/scenarios. */
export function scenarioNames(): string[] {
  return readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
}

/** A shipped scenario by name, or a JSON file by path; a bad file names the offending key. */
export function loadScenario(nameOrFile: string): Scenario {
  const shipped = /^[a-z][a-z0-9-]*$/.test(nameOrFile) ? `${DIR}${nameOrFile}.json` : undefined;
  const file = shipped && existsSync(shipped) ? shipped : nameOrFile.endsWith('.json') && existsSync(nameOrFile) ? nameOrFile : undefined;
  if (!file) throw new LoadInputError('ERR_UNKNOWN_SCENARIO', `unknown scenario "${nameOrFile}"${didYouMean(nameOrFile, scenarioNames())}; use one of ${scenarioNames().join(', ')} or a .json file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LoadInputError('ERR_SCENARIO_INVALID', `${file}: not JSON (${(error as Error).message})`);
  }
  return parseScenario(json, file);
}

export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const parsed = ScenarioSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue.path.join('.') || '(root)';
  throw new LoadInputError('ERR_SCENARIO_INVALID', `${source}: ${key}: ${issue.message}${parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : ''}`);
}

