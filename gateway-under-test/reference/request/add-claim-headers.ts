import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/**
 * The claims-contract headers, built from the verified token (once, and cached with it); the scan
 * dropped any the client sent, so these are the only ones the upstream sees.
 */
export const addClaimHeaders: RequestStep = {
  name: 'add-claim-headers',
  run(state: RequestState, _env: RequestEnv): StepResult {
    const headers = state.validation!.verified!.upstreamHeaders;
    for (let i = 0; i < headers.length; i++) state.forward.push(headers[i]);
    return 'continue';
  },
};
