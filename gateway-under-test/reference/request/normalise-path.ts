import { normalisePath as normalise } from '../route-table.ts';
import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/**
 * The path the route is matched on is the path forwarded; one that decoders read differently (an
 * encoded slash or dot segment, SECURITY.md "Paths") is refused rather than guessed at.
 */
export const normalisePath: RequestStep = {
  name: 'normalise-path',
  run(state: RequestState, _env: RequestEnv): StepResult {
    const path = normalise(state.path);
    if (path === undefined) return 'ambiguous_path';
    state.path = path;
    return 'continue';
  },
};
