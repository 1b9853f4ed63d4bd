import { requirementHolds, type ProfileRoute, type TargetProfile } from '../../gateway-under-test/index.ts';
import { routeFor } from './contract/route-for.ts';
import { rulesFor } from './contract/rules-for.ts';
import type { Expectation, Reading } from './define-case.ts';
import { pathReadings, targetPath } from './path-readings.ts';
import type { Observation } from './run-report.ts';

const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];
const TARGET_OVERRIDE_HEADERS = ['x-original-url', 'x-rewrite-url'];

/**
 * The below-the-token findings for one exchange (Expectation.guard and .clientFraming): what reached the
 * upstream that a backend may serve as a protected route the request was not authorised for, what the
 * upstream's parser refused, and what the client could not frame. Empty when all held. Computed from the
 * contract (`profile`) and the token that was sent (`claims`), never from the gateway's own code.
 */
export function judgeGuard(expect: Expectation, obs: Observation, profile: TargetProfile, claims: Record<string, unknown> | null): string[] {
  const out: string[] = [];
  if (expect.guard) {
    const readings = expect.guard.readings ?? [];
    const tokenOn = expect.guard.tokenOn ?? (claims ? [0] : []);
    for (const arrival of obs.arrivals ?? []) {
      const authorised = claims !== null && tokenOn.includes(arrival.index);
      for (const finding of arrivalFindings(arrival, readings, profile, authorised ? claims : null)) out.push(finding);
    }
    for (const error of obs.upstreamParseErrors ?? []) {
      out.push(`the upstream's HTTP parser (llhttp) refused bytes the gateway forwarded with this exchange's request id (${error}): another server may read them as two requests (RFC 9112 §6.1, §6.3)`);
    }
  }
  if (expect.clientFraming && obs.rawResponse?.error && !obs.rawResponse.error.startsWith('HPE_INVALID_EOF_STATE')) {
    out.push(`the client's HTTP parser (llhttp) cannot frame the answers (${obs.rawResponse.error}): a kept-alive client would misread its next response (RFC 9112 §6.3)`);
  }
  if (expect.clientFraming && obs.rawResponse?.requests !== undefined && obs.rawResponse.statuses.length > obs.rawResponse.requests) {
    out.push(`the client received ${obs.rawResponse.statuses.length} answers (${obs.rawResponse.statuses.join(', ')}) to ${obs.rawResponse.requests} requests: the extra one is part of an upstream answer read out of step (RFC 9112 §6.3)`);
  }
  const absorbed = obs.response?.body.match(/HTTP\/1\.[01] \d{3} /);
  if (expect.clientFraming && absorbed) {
    out.push(`the body of the first answer holds the status line of another ("${absorbed[0].trim()}"): the answer's framing promised more than the upstream sent and the next answer filled it (RFC 9112 §6.3, §8)`);
  }
  if (expect.answerInTime && !obs.response && obs.rawResponse && !obs.rawResponse.closedByServer) {
    out.push(`no complete answer and the connection still open when the step's time ran out (${obs.transportError ?? 'no answer'}): the gateway waits on the upstream's answer without a bound (RFC 9110 §5.4)`);
  }
  return [...new Set(out)];
}

type Arrival = NonNullable<Observation['arrivals']>[number];

function arrivalFindings(arrival: Arrival, readings: readonly Reading[], profile: TargetProfile, claims: Record<string, unknown> | null): string[] {
  const out: string[] = [];
  const overrides = readings.includes('overrides');
  const caseless = readings.includes('case');
  const seen = `the upstream received ${arrival.method} ${arrival.path}${arrival.index > 0 ? ` (request id ${arrival.index})` : ''}`;
  const methods = [arrival.method.toUpperCase(), ...(overrides ? overrideMethods(arrival) : [])];
  const targets: { target: string; via: string }[] = [{ target: arrival.path, via: '' }];
  if (overrides) {
    for (const name of TARGET_OVERRIDE_HEADERS) {
      const value = arrival.headers[name];
      if (value) targets.push({ target: value, via: ` with ${name}: ${value}` });
    }
  }
  for (const { target, via } of targets) {
    const paths = pathReadings(target, readings);
    for (const method of methods) {
      const by = method === arrival.method.toUpperCase() ? '' : ` (method override ${method})`;
      let anyRoute = false;
      for (const path of paths) {
        const route = matchRoute(profile, method, path, caseless);
        if (!route) continue;
        anyRoute = true;
        if (route.auth !== 'required') continue;
        const unmet = rulesFor(profile, route).filter((rule) => !claims || !requirementHolds(rule, claims));
        if (claims && unmet.length === 0) continue;
        const why = claims ? `its token does not meet ${unmet.map((r) => `${r.match} of ${r.values.join(', ')} in ${r.claims.join('/')}`).join(' and ')}` : 'it carried no validated token';
        out.push(`${seen}${via}, which a backend can read as ${method} ${path}${by}: route ${route.methods.join(',')} ${route.path} requires authorisation and ${why}`);
        break;
      }
      // A method the contract allows nowhere on the path: the gateway would have refused it if asked.
      if (by && !anyRoute) out.push(`${seen}${via} carrying a method override to ${method}, which the contract allows on no route for ${targetPath(target)}`);
    }
  }
  return out;
}

/** The route a reading lands on: as the contract matches (first match), or ignoring case. */
function matchRoute(profile: TargetProfile, method: string, path: string, caseless: boolean): ProfileRoute | undefined {
  const exact = routeFor(profile, method, path);
  if (exact || !caseless) return exact;
  const lowered = { ...profile, routes: profile.routes.map((r) => ({ ...r, path: r.path.toLowerCase() })) };
  const found = routeFor(lowered, method, path.toLowerCase());
  return found ? profile.routes[lowered.routes.indexOf(found)] : undefined;
}

function overrideMethods(arrival: Arrival): string[] {
  const out: string[] = [];
  for (const name of METHOD_OVERRIDE_HEADERS) {
    const value = arrival.headers[name];
    if (value) out.push(...value.split(',').map((m) => m.trim().toUpperCase()).filter(Boolean));
  }
  const query = arrival.path.split('?')[1] ?? '';
  for (const pair of query.split('&')) {
    const [name, value = ''] = pair.split('=');
    if (safeDecode(name).toLowerCase() === '_method' && value) out.push(safeDecode(value).toUpperCase());
  }
  return [...new Set(out)].filter((m) => m !== arrival.method.toUpperCase());
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}
