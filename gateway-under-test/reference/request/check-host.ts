import { HOST } from './host-syntax.ts';
import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/**
 * RFC 9112 §3.2: one Host, with a valid value; a second one is what a backend may route by instead.
 * Before routing, so no route is chosen by a request whose authority is in doubt. An absolute-form
 * authority then takes the Host's place (RFC 9112 §3.2.2).
 */
export const checkHost: RequestStep = {
  name: 'check-host',
  run(state: RequestState, _env: RequestEnv): StepResult {
    if (state.hosts > 1 || (state.host !== undefined && !HOST.test(state.host))) return 'invalid_host';
    if (state.authority !== undefined) state.host = state.authority;
    return 'continue';
  },
};
