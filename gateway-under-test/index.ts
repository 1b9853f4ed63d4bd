/**
 * gateway-under-test's public API: the reference gateway (library and config), and the target types.
 */
export { startReferenceGateway, type ReferenceGateway, type StartOptions } from './reference/start-reference-gateway.ts';
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
export { REJECTIONS, type Reason } from './reference/rejection.ts';
export type { Target, TargetProfile, StartedTarget } from './target.ts';
