import { parseGatewayConfig, type GatewayConfigInput } from '../../reference/config.ts';
import { createGatewayRuntime, type GatewayRuntime } from '../../reference/gateway-runtime.ts';
import { runPipeline } from '../../reference/pipeline/index.ts';
import { createContext } from '../../reference/pipeline/types.ts';
import type { Reason } from '../../reference/rejection.ts';

/** The reference pipeline without HTTP: same runtime (key and token caches) the server builds from a config. */
export interface InProcessGateway {
  runtime: GatewayRuntime;
  /** Verdict for `Authorization: Bearer <token>` at `nowMs` (undefined = accepted). */
  check(token: string, nowMs?: number): Promise<Reason | undefined>;
  stop(): void;
}

export async function inProcessGateway(input: GatewayConfigInput, now: () => number = Date.now): Promise<InProcessGateway> {
  const config = parseGatewayConfig(input);
  const runtime = createGatewayRuntime(config, {}, now);
  await runtime.start();
  return {
    runtime,
    async check(token, nowMs = now()) {
      const ctx = createContext({ method: 'GET', authorization: [`Bearer ${token}`], query: '', formBody: null }, null, nowMs);
      return runPipeline(ctx, runtime.env);
    },
    stop: () => runtime.stop(),
  };
}
