/**
 * gateway-under-test's public API: the reference gateway (library and config), and the target types.
 */
export { startReferenceGateway, type ReferenceGateway, type StartOptions } from './reference/start-reference-gateway.ts';
export { GatewayListenError } from './reference/listen.ts';
export {
  gatewayConfigSchema,
  parseGatewayConfig,
  loadGatewayConfig,
  GatewayConfigError,
  SUPPORTED_ALGORITHMS,
  type GatewayConfig,
  type GatewayConfigInput,
} from './reference/config.ts';
export { demoConfig, DemoDiscoveryError, DEMO_AUDIENCE, DEMO_TENANT_ID, type DemoOptions } from './reference/demo-config.ts';
export { profileFromConfig } from './reference/profile-from-config.ts';
export { UpstreamClient, UpstreamError, type UpstreamClientOptions } from './reference/http/upstream-client.ts';
export { REJECTIONS, type Reason } from './reference/rejection.ts';
export type { Target, TargetProfile, ProfileRoute, ProfileRequirement, StartedTarget } from './target.ts';
export { requirementHolds } from './requirement-holds.ts';
export { fileProblem } from './file-problem.ts';
export { targetProfileSchema, profileRequirementSchema, targetProfileJsonSchema, type TargetProfileInput } from './target-profile-schema.ts';
export { startHaproxy, type HaproxyOptions } from './haproxy/start-haproxy.ts';
export { startApacheOpenidc, MOD_AUTH_OPENIDC, type ApacheOpenidcOptions } from './apache-openidc/start-apache-openidc.ts';
export { startApacheOauth2, MOD_OAUTH2, type ApacheOauth2Options } from './apache-oauth2/start-apache-oauth2.ts';
export type { GatewayOptions } from './process/gateway-options.ts';
export type { RunningGateway } from './process/start-gateway-process.ts';
export { findPeerBinary } from './process/find-peer-binary.ts';
export { peerForTests, type PeerForTests } from './process/peer-for-tests.ts';
export { GatewayStartError, LauncherConfigError, PeerBinaryMissingError } from './process/errors.ts';
export {
  emulatePolicy,
  targetFromPolicy,
  lintApimFolder,
  lintPolicy,
  readPolicy,
  toSarif,
  trustSnippets,
  LINT_RULES,
  PolicyError,
  loadPolicyValues,
  type PolicyValues,
  type Emulation,
  type EmulateOptions,
  type PolicyTarget,
  type PolicyDiagnostic,
  type PolicyCheck,
  type LintRule,
} from './reference/policies/index.ts';
export { ADAPTERS } from './adapters.ts';
export { NODE_VALIDATOR_ADAPTERS } from './node-validators/node-validator-adapters.ts';
export type { AdapterInput, GatewayAdapter, StartedAdapter } from './adapters/gateway-adapter.ts';
export { CONTAINER_ADAPTERS } from './containers/container-adapters.ts';
export { ContainerUnavailableError } from './containers/container-unavailable-error.ts';
export { dockerUnavailableReason } from './containers/start-container-gateway.ts';
