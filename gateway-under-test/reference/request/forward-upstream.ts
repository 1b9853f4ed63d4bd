import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/** Proxies the validated request; a token that came in the query is not passed on in it. */
export const forwardUpstream: RequestStep = {
  name: 'forward-upstream',
  run(state: RequestState, env: RequestEnv): StepResult {
    if (state.validation!.location === 'query') state.query = withoutParam(state.query, env.tokenParam);
    env.proxy(state);
    return 'answered';
  },
};

function withoutParam(query: string, name: string): string {
  const params = new URLSearchParams(query);
  params.delete(name);
  return params.toString();
}
