import type { GatewayAdapter } from './adapters/gateway-adapter.ts';
import { apacheOauth2Adapter } from './apache-oauth2/apache-oauth2-adapter.ts';
import { apacheOpenidcAdapter } from './apache-openidc/apache-openidc-adapter.ts';
import { haproxyAdapter } from './haproxy/haproxy-adapter.ts';
import { nodeJwtBearerAdapter } from './node-jwt-bearer/node-jwt-bearer-adapter.ts';
import { NODE_VALIDATOR_ADAPTERS } from './node-validators/node-validator-adapters.ts';

/** Every real gateway `--target NAME` can start, in matrix order. */
export const ADAPTERS: Record<string, GatewayAdapter> = {
  'apache-openidc': apacheOpenidcAdapter,
  'apache-oauth2': apacheOauth2Adapter,
  haproxy: haproxyAdapter,
  'node-jwt-bearer': nodeJwtBearerAdapter,
  ...NODE_VALIDATOR_ADAPTERS,
};
