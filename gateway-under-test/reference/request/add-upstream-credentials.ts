import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/**
 * The upstream's own Authorization: the gateway's backend token (client credentials or managed
 * identity) when the route asks for it, else the client's token lines when the route forwards them,
 * else none. Waits only when the backend token must be fetched.
 */
export const addUpstreamCredentials: RequestStep = {
  name: 'add-upstream-credentials',
  run(state: RequestState, env: RequestEnv): StepResult | Promise<StepResult> {
    const { config } = state.route!;
    const { backend } = env;
    if (config.backendCredentials && backend) {
      const token = backend.token();
      if (typeof token === 'string') {
        state.forward.push('authorization', `Bearer ${token}`);
        return 'continue';
      }
      return token.then(
        (fetched): StepResult => {
          state.forward.push('authorization', `Bearer ${fetched}`);
          return 'continue';
        },
        (err: unknown): StepResult => {
          env.logger.error({ event: 'backend_credentials_failed', error: (err as Error).message }, 'backend token unavailable');
          return 'backend_credentials_unavailable';
        },
      );
    }
    if (config.forwardAuthorization) for (const a of state.authorization) state.forward.push(env.tokenHeader, a);
    return 'continue';
  },
};
