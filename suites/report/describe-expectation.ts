import type { Expectation } from '../harness/define-case.ts';

/** One line a reader can hold against the observation: "reject; status 401; WWW-Authenticate error=\"invalid_token\"; upstream untouched". */
export function describeExpectation(expected: Expectation): string {
  const parts: string[] = [];
  // A contract-allowed weakness: the RFCs want a refusal (status below), the contract also allows acceptance.
  if (expected.weaker) parts.push(`reject, or accept as the contract allows (weaker than ${expected.weaker.clause})`);
  else parts.push(expected.outcome === 'either' ? 'accept or reject' : expected.outcome);
  if (expected.status !== undefined) {
    const statuses = Array.isArray(expected.status) ? expected.status : [expected.status];
    parts.push(`status ${statuses.join(' or ')}`);
  }
  const challenge = expected.wwwAuthenticate;
  if (challenge) {
    if (challenge.error === null) parts.push('WWW-Authenticate without error');
    else if (challenge.error !== undefined) parts.push(`WWW-Authenticate error="${challenge.error}"`);
    if (challenge.scope) parts.push('WWW-Authenticate names the scope');
  }
  // The model's default: a rejection must leave the upstream untouched, an acceptance must reach it.
  const upstream = expected.weaker ? undefined : (expected.upstream ?? (expected.outcome === 'reject' ? 'untouched' : expected.outcome === 'accept' ? 'reached' : undefined));
  if (upstream) parts.push(`upstream ${upstream}`);
  for (const [name, want] of Object.entries(expected.upstreamHeaders ?? {})) {
    if (want === null) parts.push(`upstream without ${name}`);
    else if (want instanceof RegExp) parts.push(`upstream ${name} ~ ${String(want)}`);
    else parts.push(`upstream ${name}: ${JSON.stringify(want)}`);
  }
  for (const [name, want] of Object.entries(expected.responseHeaders ?? {})) {
    if (want === null) parts.push(`response without ${name}`);
    else if (want instanceof RegExp) parts.push(`response ${name} ~ ${String(want)}`);
    else parts.push(`response ${name}: ${JSON.stringify(want)}`);
  }
  if (expected.guard) parts.push(`no request reaches the upstream where it may not${expected.guard.readings?.length ? ` (read also with ${expected.guard.readings.join(', ')})` : ''}`);
  if (expected.clientFraming) parts.push('answers framed cleanly for the client');
  for (const bound of expected.idpRequests ?? []) {
    if (bound.atLeast !== undefined) parts.push(`IdP ${bound.endpoint} requests ≥ ${bound.atLeast}`);
    if (bound.atMost !== undefined) parts.push(`IdP ${bound.endpoint} requests ≤ ${bound.atMost}`);
  }
  return parts.join('; ');
}
