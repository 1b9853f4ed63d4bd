/** APIM and Apigee policies: read, emulate on the reference gateway, lint, and trust snippets for export. */
export { parsePolicyXml, type PolicyElement } from './parse-policy-xml.ts';
export { readPolicy, type Policy, type ReadPolicyOptions } from './read-policy.ts';
export { emulatePolicy, type EmulateOptions, type Emulation } from './emulate-policy.ts';
export { targetFromPolicy, type PolicyTarget } from './target-from-policy.ts';
export { lintApimFolder, lintPolicy } from './lint-policy.ts';
export { emulateApimFolder } from './emulate-apim-folder.ts';
export { emulateApigeeBundle } from './emulate-apigee-bundle.ts';
export { isApigeeBundle, readApigeeBundle, type ApigeeBundle } from './read-apigee-bundle.ts';
export { lintApigeeBundle } from './lint-apigee-bundle.ts';
export { readApimFolder, type ApimFolder, type ApimOperation } from './read-apim-folder.ts';
export { LINT_RULES, type LintRule, type LintRuleId } from './lint-rules.ts';
export { toSarif } from './to-sarif.ts';
export { trustSnippets, type TrustSnippets } from './trust-snippets.ts';
export { PolicyError, type PolicyErrorCode } from './policy-error.ts';
export { loadPolicyValues, parsePolicyValues, type PolicyValues } from './policy-values.ts';
export type { PolicyDiagnostic, PolicyCheck } from './policy-diagnostic.ts';
