import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { Skip, Step } from './define-case.ts';
import { protectedTarget } from './http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from './raw-request.ts';

/** The framing header lines and the body of the outer request, given the smuggled request's bytes. */
export type Framing = (smuggled: string) => { lines: string[]; body: string };

/**
 * A request-smuggling case against the contract's protected GET route: an authorised GET (the case's
 * token, request id 0) whose body, framed as `frame` lays it out, holds a second GET to the same path
 * without a token (request id 1). A gateway and an upstream that split the bytes differently let the
 * second one through unauthenticated. Judged from the upstream (Guard): request id 1 must never arrive
 * there, and the upstream must never receive framing llhttp refuses, whatever the gateway answered.
 */
export function smugglingSteps(profile: TargetProfile, frame: Framing): Step[] | Skip {
  const target = protectedTarget(profile);
  if ('skip' in target) return target;
  if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
  const smuggled = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: localhost', requestIdLine(1)]);
  const { lines, body } = frame(smuggled);
  const raw = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}', tokenLine(profile.token.headerName), requestIdLine(), ...lines], body);
  return [{ request: { path: target.path, raw }, expect: { outcome: 'either', guard: { tokenOn: [0] } } }];
}
