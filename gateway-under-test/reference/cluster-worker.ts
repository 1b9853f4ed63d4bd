import { AggregatorRegistry } from 'prom-client';
import { parseGatewayConfig } from './config.ts';
import { listen } from './listen.ts';
import { createReferenceServer } from './server.ts';

/**
 * Entry point of one cluster worker: the config arrives in the environment (already validated by the
 * primary), the worker serves the public port and answers the primary's metrics aggregation.
 */
const config = parseGatewayConfig(JSON.parse(process.env.GATECHECK_GATEWAY_CONFIG ?? 'null'));
const gateway = createReferenceServer(config);
// prom-client installs the worker's reply listener only when an AggregatorRegistry is constructed.
new AggregatorRegistry();
AggregatorRegistry.setRegistries([gateway.metrics.registry]);
await gateway.runtime.start();
const port = await listen(gateway.server, config.listen.host, config.listen.port);
process.send?.({ type: 'gatecheck:listening', port });
process.on('SIGTERM', () => {
  void gateway.close().finally(() => process.exit(0));
});
