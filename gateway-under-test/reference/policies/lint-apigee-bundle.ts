import type { PolicyDiagnostic } from './policy-diagnostic.ts';
import type { PolicyValues } from './policy-values.ts';
import { lintPolicy } from './lint-policy.ts';
import { readApigeeBundle } from './read-apigee-bundle.ts';

/**
 * Lints an exported Apigee proxy (folder or .zip): each VerifyJWT policy of apiproxy/policies/ as a
 * policy file is linted, every finding naming the file inside the bundle. A bundle that can't be read
 * (no ProxyEndpoint, a step naming a missing policy, an unknown policy element) is a PolicyError.
 */
export async function lintApigeeBundle(source: string, options: { values?: PolicyValues } = {}): Promise<PolicyDiagnostic[]> {
  const bundle = await readApigeeBundle(source);
  return [...bundle.policies.values()].filter((p) => p.type === 'VerifyJWT').flatMap((p) => lintPolicy(p.text, p.file, options));
}
