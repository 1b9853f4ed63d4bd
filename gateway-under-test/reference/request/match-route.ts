import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/** First matching route in config order, by method and the normalised path; none is a 404. */
export const matchRoute: RequestStep = {
  name: 'match-route',
  run(state: RequestState, env: RequestEnv): StepResult {
    const route = env.routes.match(state.method, state.path);
    state.route = route;
    return route ? 'continue' : 'route_not_found';
  },
};
