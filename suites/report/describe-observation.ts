import type { Expectation } from '../harness/define-case.ts';
import type { Observation } from '../harness/run-report.ts';
import { headerValue } from './header-value.ts';

/**
 * The observed counterpart of describeExpectation, in the same vocabulary and order, so "expected" and
 * "actual" lines can be read against each other. Upstream headers are shown only where the
 * expectation names them: the rest is detail for the HTML report.
 */
export function describeObservation(observation: Observation, expected?: Expectation): string {
  const parts: string[] = [];
  if (observation.transportError) parts.push(`transport error: ${observation.transportError}`);
  const response = observation.response;
  if (response) {
    parts.push(`status ${response.status}`);
    const challenge = headerValue(response.headers, 'www-authenticate');
    if (challenge !== undefined) parts.push(`WWW-Authenticate ${challenge}`);
    else if (response.status === 401) parts.push('no WWW-Authenticate');
    for (const name of Object.keys(expected?.responseHeaders ?? {})) {
      const value = headerValue(response.headers, name);
      parts.push(value === undefined ? `response without ${name}` : `response ${name}: ${JSON.stringify(value)}`);
    }
  } else if (!observation.transportError) {
    parts.push('no response');
  }
  if (observation.upstream === undefined) parts.push('upstream not observed');
  else if (observation.upstream === null) parts.push('upstream untouched');
  else {
    parts.push('upstream reached');
    for (const name of Object.keys(expected?.upstreamHeaders ?? {})) {
      const value = headerValue(observation.upstream.headers, name);
      parts.push(value === undefined ? `upstream without ${name}` : `upstream ${name}: ${JSON.stringify(value)}`);
    }
  }
  const later = (observation.arrivals ?? []).filter((a) => a.index > 0);
  if (later.length) parts.push(`upstream also received ${later.map((a) => `${a.method} ${a.path} (request id ${a.index})`).join(', ')}`);
  if (observation.upstreamParseErrors?.length) parts.push(`upstream parser refused: ${observation.upstreamParseErrors.join('; ')}`);
  if (observation.rawResponse?.error) parts.push(`client parser refused: ${observation.rawResponse.error}`);
  return parts.join('; ');
}
