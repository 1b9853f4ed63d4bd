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
  /**
   * `apim.subscriptionKeys: { <product or all-apis>: [key, …] }`: the keys of APIM subscriptions, which an
   * APIOps extract does not contain (subscriptions are not extracted), by the scope they are for, with lines.
   */
  subscriptionKeys?: { scopes: ReadonlyMap<string, { keys: string[]; line: number }>; line: number };
}

/** The one name whose value is a list: the keys Apigee VerifyAPIKey policies accept. */
export const API_KEYS_NAME = 'apigee.apiKeys';

/** The one name whose value is a mapping: the keys of APIM subscriptions, by product (or all-apis). */
export const SUBSCRIPTION_KEYS_NAME = 'apim.subscriptionKeys';
/** The scope name of an all-APIs subscription in `apim.subscriptionKeys`. */
export const ALL_APIS = 'all-apis';

export const FLAG = '--policy-values';

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
  let subscriptionKeys: PolicyValues['subscriptionKeys'];
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
    if (name === SUBSCRIPTION_KEYS_NAME) {
      subscriptionKeys = { scopes: subscriptionKeyScopes(value, file, line, lineOf), line };
      continue;
    }
    if (!isScalar(value) || value.value === null || typeof value.value === 'object') {
      throw new PolicyError('ERR_POLICY_VALUES', file, line, `"${name}": expected a text value (write nested names flat, e.g. propertyset.idp.jwks_uri: https://…)`);
    }
    values.set(name, String(value.value));
  }
  return { file, values, ...(apiKeys ? { apiKeys } : {}), ...(subscriptionKeys ? { subscriptionKeys } : {}) };
}

/**
 * `apim.subscriptionKeys`: a mapping of scope (a product folder's name, or `all-apis`) to its keys. The
 * reference gateway holds keys of at least 16 characters; APIM generates 32 hexadecimal ones.
 */
function subscriptionKeyScopes(value: unknown, file: string, line: number, lineOf: (offset: number | undefined) => number): Map<string, { keys: string[]; line: number }> {
  const example = `${SUBSCRIPTION_KEYS_NAME}: { <product folder name, or ${ALL_APIS}>: [first-key-of-at-least-16-chars, …] }`;
  if (!isMap(value) || value.items.length === 0) throw new PolicyError('ERR_POLICY_VALUES', file, line, `"${SUBSCRIPTION_KEYS_NAME}": expected a mapping of product (or ${ALL_APIS}) to its subscription keys, e.g. ${example}`);
  const scopes = new Map<string, { keys: string[]; line: number }>();
  for (const pair of value.items) {
    const key = pair.key;
    const at = lineOf(isScalar(key) ? key.range?.[0] : undefined);
    if (!isScalar(key) || typeof key.value !== 'string' || key.value.trim() === '') throw new PolicyError('ERR_POLICY_VALUES', file, at, `"${SUBSCRIPTION_KEYS_NAME}": every scope must be a product folder name or ${ALL_APIS}, e.g. ${example}`);
    const scope = key.value.trim();
    const v = pair.value;
    if (!isSeq(v) || v.items.length === 0) throw new PolicyError('ERR_POLICY_VALUES', file, at, `"${SUBSCRIPTION_KEYS_NAME}" ${scope}: expected a list of subscription keys, e.g. ${example}`);
    const keys = v.items.map((item, i) => {
      if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim().length < 16) {
        throw new PolicyError('ERR_POLICY_VALUES', file, at, `"${SUBSCRIPTION_KEYS_NAME}" ${scope} item ${i + 1}: expected a subscription key of at least 16 characters (APIM's are 32), e.g. ${example}`);
      }
      return item.value.trim();
    });
    scopes.set(scope, { keys, line: at });
  }
  return scopes;
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
