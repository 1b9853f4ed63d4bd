import type { Expectation } from './define-case.ts';
import { parseChallenges } from './parse-challenges.ts';
import type { Observation, Verdict } from './run-report.ts';

export interface Judgement {
  verdict: Exclude<Verdict, 'skipped' | 'error'>;
  findings: string[];
  /** The outcome the gateway chose (always set; reports show it for `either` cases). */
  chose: 'accept' | 'reject';
}

/**
 * Grades one observation (one case: suites/harness/define-case.ts). The security outcome is absolute and
 * black-box: a rejection means "not 2xx and nothing reached the upstream", an acceptance means "2xx and
 * the upstream got the request with the expected claim headers"; getting that wrong is `fail`. Status
 * code, `WWW-Authenticate` (RFC 6750 §3) and other response headers are graded on their own: a gateway
 * that blocks correctly but answers differently is `non-strict`. Where the contract allows a weakness
 * (`expect.weaker`), an acceptance is `weaker` (naming the clause) and a refusal is judged as a refusal.
 *
 * The expectation must be concrete (`@userId` keys and `{claims.…}` values already filled in).
 */
export function judge(expect: Expectation, obs: Observation): Judgement {
  const status = obs.response?.status;
  const succeeded = status !== undefined && status >= 200 && status < 300;
  const reached = !!obs.upstream;
  const chose: 'accept' | 'reject' = succeeded ? 'accept' : 'reject';
  // A contract-allowed weakness (expect.weaker) lets the gateway choose, like `either`.
  const outcome = expect.outcome === 'either' || expect.weaker ? chose : expect.outcome;
  // With a weakness allowed, the upstream follows the choice: reached when accepted, untouched when refused.
  const wantUpstream = (expect.weaker ? undefined : expect.upstream) ?? (outcome === 'accept' ? 'reached' : 'untouched');
  const answered = status === undefined ? `no response (${obs.transportError ?? 'connection closed'})` : `status ${status}`;

  const fail: string[] = [];
  if (outcome === 'reject' && succeeded) fail.push(`expected the request to be refused, got ${answered}`);
  if (outcome === 'accept' && !succeeded) fail.push(`expected 2xx, got ${answered}${reason(obs)}`);
  if (wantUpstream === 'untouched' && reached) fail.push(`the upstream was reached (${obs.upstream!.method} ${obs.upstream!.path}); expected it untouched`);
  if (wantUpstream === 'reached' && !reached && (outcome === 'reject' || succeeded)) fail.push('the upstream was not reached');
  if (outcome === 'accept' && reached) fail.push(...checkHeaders('upstream', expect.upstreamHeaders, obs.upstream!.headers));
  if (fail.length) return { verdict: 'fail', findings: fail, chose };

  if (expect.weaker && chose === 'accept') {
    return { verdict: 'weaker', findings: [`accepted as the target's contract allows, but weaker than ${expect.weaker.clause}`], chose };
  }
  // An `either` case is judged on the outcome alone: what the status should be depends on the choice.
  // A refusal where a weakness was allowed is a refusal like any other: its status is graded below.
  if (expect.outcome === 'either' && !expect.weaker) return { verdict: 'pass', findings: [`the gateway chose to ${chose}`], chose };

  const strict: string[] = [];
  if (expect.status !== undefined) {
    const allowed = Array.isArray(expect.status) ? expect.status : [expect.status];
    if (status === undefined || !allowed.includes(status)) strict.push(`${answered}, expected ${allowed.join(' or ')}${reason(obs)}`);
  }
  if (expect.wwwAuthenticate) strict.push(...checkChallenge(expect.wwwAuthenticate, obs.response?.headers['www-authenticate']));
  if (expect.responseHeaders && obs.response) strict.push(...checkHeaders('response', expect.responseHeaders, obs.response.headers));
  if (expect.responseHeaders && !obs.response) strict.push('no response headers to check');
  return strict.length ? { verdict: 'non-strict', findings: strict, chose } : { verdict: 'pass', findings: [], chose };
}

function checkChallenge(want: NonNullable<Expectation['wwwAuthenticate']>, header: string | string[] | undefined): string[] {
  const bearer = parseChallenges(header).find((c) => c.scheme === 'bearer');
  if (!bearer) return [header === undefined ? 'no WWW-Authenticate header, expected a Bearer challenge' : `WWW-Authenticate ${JSON.stringify(header)} has no Bearer challenge`];
  const out: string[] = [];
  const error = bearer.params.error;
  if (want.error === null && error !== undefined) out.push(`WWW-Authenticate carries error="${error}"; none expected without credentials (RFC 6750 §3)`);
  if (typeof want.error === 'string' && error !== want.error) {
    out.push(error === undefined ? `WWW-Authenticate has no error, expected error="${want.error}"` : `WWW-Authenticate error="${error}", expected error="${want.error}"`);
  }
  if (want.scope && !bearer.params.scope) out.push('WWW-Authenticate has no scope attribute (RFC 6750 §3: insufficient_scope should name it)');
  return out;
}

function checkHeaders(where: string, want: Record<string, string | RegExp | null> | undefined, got: Record<string, string | string[] | undefined>): string[] {
  const out: string[] = [];
  for (const [name, expected] of Object.entries(want ?? {})) {
    const raw = got[name.toLowerCase()];
    const actual = Array.isArray(raw) ? raw.join(', ') : raw;
    if (expected === null) {
      if (actual !== undefined) out.push(`${where} header ${name} is ${JSON.stringify(actual)}, expected absent`);
    } else if (actual === undefined) {
      out.push(`${where} header ${name} is absent, expected ${show(expected)}`);
    } else if (typeof expected === 'string' ? actual !== expected : !expected.test(actual)) {
      out.push(`${where} header ${name} is ${JSON.stringify(actual)}, expected ${show(expected)}`);
    }
  }
  return out;
}

function show(v: string | RegExp): string {
  return typeof v === 'string' ? JSON.stringify(v) : `to match ${String(v)}`;
}

/** The reference gateway's diagnostic header, when enabled, makes findings self-explanatory. */
function reason(obs: Observation): string {
  const r = obs.response?.headers['x-gatecheck-reason'];
  return r ? ` (gateway reason: ${Array.isArray(r) ? r.join(', ') : r})` : '';
}
