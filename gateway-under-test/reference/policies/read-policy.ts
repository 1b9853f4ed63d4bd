import { APIM_KNOWN_POLICIES } from './apim-known-policies.ts';
import { FRAGMENT_ROOT, parsePolicyXml, type PolicyElement } from './parse-policy-xml.ts';
import { PolicyError } from './policy-error.ts';
import type { PolicyValues } from './policy-values.ts';
import { readApigeePolicy, type ApigeeVerifyJwt } from './read-apigee-policy.ts';
import { readApimPolicy, type ApimPolicy } from './read-apim-policy.ts';
import { resolvePolicyReferences, type UnresolvedReference } from './resolve-policy-references.ts';

export type Policy = (ApimPolicy | ApigeeVerifyJwt) & {
  /** References the values did not answer (only when `unresolved: 'keep'`). */
  unresolved: UnresolvedReference[];
};

export interface ReadPolicyOptions {
  /** `--policy-values`: what the policy's references stand for. */
  values?: PolicyValues;
  /**
   * `error` (running a policy): a reference without a value is a PolicyError naming it. `keep` (lint):
   * it stays as written and is listed in `unresolved`, so the rest of the policy can still be judged.
   */
  unresolved?: 'error' | 'keep';
}

/**
 * APIM `<policies>` document (or a policy fragment, or a snippet of bare APIM policies as Microsoft
 * Learn prints them) or an Apigee policy, told apart by the root element, with its references resolved.
 */
export function readPolicy(text: string, file: string, options: ReadPolicyOptions = {}): Policy {
  return readParsedPolicy(parsePolicyXml(text, file), file, options);
}

/** `readPolicy` for elements already parsed: a policy composed from an APIOps folder's scopes. */
export function readParsedPolicy(parsed: PolicyElement, file: string, options: ReadPolicyOptions = {}): Policy {
  const apim = parsed.name === 'policies' || parsed.name === 'fragment' || parsed.name === FRAGMENT_ROOT || APIM_KNOWN_POLICIES.has(parsed.name);
  const { root, unresolved } = resolvePolicyReferences(parsed, apim ? 'apim' : 'apigee', options.values);
  if (unresolved.length > 0 && options.unresolved !== 'keep') throw unresolvedError(unresolved, file, options.values);
  const policy = apim ? readApimPolicy(root, file) : readApigeePolicy(root, file);
  return Object.assign(policy, { unresolved });
}

function unresolvedError(list: UnresolvedReference[], file: string, values: PolicyValues | undefined): PolicyError {
  const [first, ...rest] = list;
  const what = first.written.startsWith('{{') ? `named value ${first.written}` : first.written;
  const fix = values
    ? `${values.file} has no "${first.name}": add a line ${yamlKey(first.name)}: <value>`
    : `give it with --policy-values FILE, a YAML or JSON file with the line ${yamlKey(first.name)}: <value>`;
  const more = rest.length > 0 ? ` (${rest.length} more without a value: ${[...new Set(rest.map((r) => r.name))].join(', ')})` : '';
  return new PolicyError('ERR_POLICY_UNRESOLVED', first.file ?? file, first.line, `${what} has no value; ${fix}${more}`);
}

/** A name as a YAML key: quoted when it holds characters YAML would read otherwise. */
function yamlKey(name: string): string {
  return /^[\w.-]+$/.test(name) ? name : JSON.stringify(name);
}
