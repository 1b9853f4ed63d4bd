import { Counter, Gauge, Registry } from 'prom-client';
import { PreboundCounter } from './prebound-counter.ts';
import { PreboundHistogram } from './prebound-histogram.ts';

export interface GatewayMetrics {
  registry: Registry;
  // Per request: label sets bound once (prebound-*.ts); prom-client's own for the rare ones.
  requests: PreboundCounter<'outcome' | 'reason' | 'route'>;
  validationSeconds: PreboundHistogram<'cache'>;
  jwksFetches: Counter<'kind' | 'result'>;
  tokenCacheLookups: PreboundCounter<'result'>;
  tokenCacheEntries: Gauge;
}

/** Prometheus metrics on a registry of their own, so several gateways in one process don't collide. */
export function createGatewayMetrics(tokenCacheSize: () => number): GatewayMetrics {
  const registry = new Registry();
  return {
    registry,
    requests: new PreboundCounter({
      name: 'gatecheck_gateway_requests_total',
      help: 'Requests by outcome (allow, reject, error) and rejection reason',
      labelNames: ['outcome', 'reason', 'route'],
      registers: [registry],
    }),
    validationSeconds: new PreboundHistogram({
      name: 'gatecheck_gateway_validation_seconds',
      help: 'Time spent in the validation pipeline',
      labelNames: ['cache'],
      buckets: [0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.1, 1, 5],
      registers: [registry],
    }),
    jwksFetches: new Counter({
      name: 'gatecheck_gateway_jwks_fetches_total',
      help: 'Discovery and JWKS fetches by result',
      labelNames: ['kind', 'result'],
      registers: [registry],
    }),
    tokenCacheLookups: new PreboundCounter({
      name: 'gatecheck_gateway_token_cache_lookups_total',
      help: 'Verified-token cache lookups (hit, miss); hit ratio = hit / (hit + miss)',
      labelNames: ['result'],
      registers: [registry],
    }),
    tokenCacheEntries: new Gauge({
      name: 'gatecheck_gateway_token_cache_entries',
      help: 'Entries in the verified-token cache',
      registers: [registry],
      collect() {
        this.set(tokenCacheSize());
      },
    }),
  };
}
