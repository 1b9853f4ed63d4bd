import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, parseDocument, LineCounter } from 'yaml';
import { fileProblem } from '../../file-problem.ts';
import { PolicyError } from './policy-error.ts';

/**
 * The values a policy refers to but does not contain, by name: APIM named values (`{{aad-tenant-id}}`),
 * Apigee flow variables and property sets (`ref="private.secret"`, `propertyset.idp.jwks_uri`), and the
 * `{placeholders}` of published examples. Read from a YAML or JSON file of `name: value` lines (the
 * `--policy-values` flag), so the policy itself stays as exported.
 */
export interface PolicyValues {
  /** The file the values came from, for messages. */
  file: string;
  values: ReadonlyMap<string, string>;
  /**
   * `apigee.apiKeys: [key, …]`: the API keys an Apigee VerifyAPIKey accepts (the consumer keys of the
   * apps whose products include the proxy, which the bundle does not contain), with its line.
   */
  apiKeys?: { keys: string[]; line: number };
}

/** The one name whose value is a list: the keys Apigee VerifyAPIKey policies accept. */
export const API_KEYS_NAME = 'apigee.apiKeys';

const FLAG = '--policy-values';

/** Reads a values file; every problem is a PolicyError naming the file, the line and what to write instead. */
export async function loadPolicyValues(file: string): Promise<PolicyValues> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PolicyError('ERR_POLICY_VALUES', file, 0, `cannot read the policy values file: ${fileProblem(file, err)}; give ${FLAG} a YAML or JSON file of name: value lines`);
  }
  return parsePolicyValues(text, file);
}

/** `loadPolicyValues` for text already read. */
export function parsePolicyValues(text: string, file: string): PolicyValues {
  const lines = new LineCounter();
  // YAML 1.2 reads JSON too; uniqueKeys makes a name given twice an error rather than a silent last-wins.
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new PolicyError('ERR_POLICY_VALUES', file, lineOf(e.pos[0]), `not valid YAML or JSON: ${e.message.split('\n')[0]}; expected name: value lines`);
  }
  if (doc.contents === null) throw new PolicyError('ERR_POLICY_VALUES', file, 1, 'is empty; expected name: value lines, e.g. aad-tenant-id: 7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c');
  if (!isMap(doc.contents)) throw new PolicyError('ERR_POLICY_VALUES', file, lineOf(doc.contents.range?.[0]), 'expected a mapping of name: value lines at the top level');
  const values = new Map<string, string>();
  let apiKeys: PolicyValues['apiKeys'];
  for (const pair of doc.contents.items) {
    const keyNode = pair.key;
    const line = lineOf(isScalar(keyNode) ? keyNode.range?.[0] : undefined);
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number') {
      throw new PolicyError('ERR_POLICY_VALUES', file, line, 'every name must be a plain string');
    }
    const name = String(keyNode.value);
    if (/^\{.*\}$/s.test(name.trim())) {
      throw new PolicyError('ERR_POLICY_VALUES', file, line, `name "${name}": write it without the braces the policy puts around it (${name.replace(/^\{+|\}+$/g, '')}: value)`);
    }
    const value = pair.value;
    if (name === API_KEYS_NAME) {
      apiKeys = { keys: apiKeyList(value, file, line), line };
      continue;
    }
    if (!isScalar(value) || value.value === null || typeof value.value === 'object') {
      throw new PolicyError('ERR_POLICY_VALUES', file, line, `"${name}": expected a text value (write nested names flat, e.g. propertyset.idp.jwks_uri: https://…)`);
    }
    values.set(name, String(value.value));
  }
  return { file, values, ...(apiKeys ? { apiKeys } : {}) };
}

/** `apigee.apiKeys`: a list of keys, each as long as an Apigee consumer key is (at least 16 characters). */
function apiKeyList(value: unknown, file: string, line: number): string[] {
  const example = `${API_KEYS_NAME}: [first-key-of-at-least-16-chars, …]`;
  if (!isSeq(value) || value.items.length === 0) throw new PolicyError('ERR_POLICY_VALUES', file, line, `"${API_KEYS_NAME}": expected a list of the API keys VerifyAPIKey accepts, e.g. ${example}`);
  return value.items.map((item, i) => {
    if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim().length < 16) {
      throw new PolicyError('ERR_POLICY_VALUES', file, line, `"${API_KEYS_NAME}" item ${i + 1}: expected a key of at least 16 characters (an Apigee consumer key), e.g. ${example}`);
    }
    return item.value.trim();
  });
}
