import { describe, expect, it } from 'vitest';
import { judge } from '../harness/judge.ts';
import { parseChallenges } from '../harness/parse-challenges.ts';
import type { Observation } from '../harness/run-report.ts';

const request = { method: 'GET', url: 'http://gw/api/orders', headers: [] as [string, string][] };
const respond = (status: number, headers: Record<string, string> = {}): Observation['response'] => ({ status, headers, body: '', latencyMs: 1 });
const reached = { method: 'GET', path: '/api/orders', headers: { 'x-user-id': 'alice' } };
const invalidToken = 'Bearer realm="gw", error="invalid_token"';

describe('judge: the MUST part is the security outcome', () => {
  it('passes a refusal with 401 invalid_token and an untouched upstream (RFC 6750 §3.1)', () => {
    const j = judge({ outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' } }, { request, response: respond(401, { 'www-authenticate': invalidToken }), upstream: null });
    expect(j).toEqual({ verdict: 'pass', findings: [], chose: 'reject' });
  });

  it('fails a rejection case answered 200', () => {
    const j = judge({ outcome: 'reject', status: 401 }, { request, response: respond(200), upstream: reached });
    expect(j.verdict).toBe('fail');
    expect(j.findings.join('\n')).toMatch(/refused, got status 200/);
    expect(j.findings.join('\n')).toMatch(/upstream was reached/);
  });

  it('fails a refusal that still reached the upstream, whatever the status', () => {
    const j = judge({ outcome: 'reject', status: 401 }, { request, response: respond(401, { 'www-authenticate': invalidToken }), upstream: reached });
    expect(j.verdict).toBe('fail');
  });

  it('fails an accept case when the upstream saw a different claim header value', () => {
    const j = judge({ outcome: 'accept', upstreamHeaders: { 'x-user-id': 'bob', 'x-roles': null } }, { request, response: respond(200), upstream: reached });
    expect(j.verdict).toBe('fail');
    expect(j.findings).toEqual(['upstream header x-user-id is "alice", expected "bob"']);
  });

  it('fails an accept case refused by the gateway, naming the gateway reason when it tells one', () => {
    const j = judge({ outcome: 'accept' }, { request, response: respond(401, { 'x-gatecheck-reason': 'token_expired' }), upstream: null });
    expect(j.findings).toEqual(['expected 2xx, got status 401 (gateway reason: token_expired)']);
  });

  it('counts a connection closed without a response as a refusal', () => {
    const j = judge({ outcome: 'reject' }, { request, transportError: 'UND_ERR_SOCKET: other side closed', upstream: null });
    expect(j.verdict).toBe('pass');
  });
});

describe('judge: status and WWW-Authenticate are graded separately (non-strict)', () => {
  it('is non-strict when a refusal uses 403 instead of 401 (Envoy, Kong)', () => {
    const j = judge({ outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' } }, { request, response: respond(403, { 'www-authenticate': invalidToken }), upstream: null });
    expect(j.verdict).toBe('non-strict');
    expect(j.findings).toEqual(['status 403, expected 401']);
  });

  it('is non-strict when a no-credentials challenge carries an error code (RFC 6750 §3)', () => {
    const j = judge({ outcome: 'reject', status: 401, wwwAuthenticate: { error: null } }, { request, response: respond(401, { 'www-authenticate': 'Bearer realm="x", error="invalid_request"' }), upstream: null });
    expect(j.verdict).toBe('non-strict');
    expect(j.findings[0]).toMatch(/error="invalid_request"; none expected/);
  });

  it('is non-strict without a Bearer challenge, or without the scope of insufficient_scope', () => {
    expect(judge({ outcome: 'reject', wwwAuthenticate: { error: 'invalid_token' } }, { request, response: respond(401), upstream: null }).findings).toEqual([
      'no WWW-Authenticate header, expected a Bearer challenge',
    ]);
    const j = judge({ outcome: 'reject', status: 403, wwwAuthenticate: { error: 'insufficient_scope', scope: true } }, { request, response: respond(403, { 'www-authenticate': 'Bearer error="insufficient_scope"' }), upstream: null });
    expect(j.findings).toEqual(['WWW-Authenticate has no scope attribute (RFC 6750 §3: insufficient_scope should name it)']);
  });

  it('grades response headers such as Retry-After on a 429', () => {
    const j = judge({ outcome: 'reject', status: 429, responseHeaders: { 'retry-after': /^\d+$/ } }, { request, response: respond(429), upstream: null });
    expect(j).toMatchObject({ verdict: 'non-strict', findings: ['response header retry-after is absent, expected to match /^\\d+$/'] });
  });
});

describe('judge: either', () => {
  it('records which outcome the gateway chose and passes both consistent outcomes', () => {
    expect(judge({ outcome: 'either' }, { request, response: respond(200), upstream: reached })).toMatchObject({ verdict: 'pass', chose: 'accept' });
    expect(judge({ outcome: 'either' }, { request, response: respond(400), upstream: null })).toMatchObject({ verdict: 'pass', chose: 'reject' });
  });

  it('fails an inconsistent answer: refused but forwarded', () => {
    expect(judge({ outcome: 'either' }, { request, response: respond(401), upstream: reached }).verdict).toBe('fail');
  });
});

describe('judge: weaker (the contract allows what RFC 8725 / RFC 9068 forbid)', () => {
  const clause = 'RFC 9068 §2.2: exp is REQUIRED in a JWT access token';
  const weakerExp = { outcome: 'either', status: 401, wwwAuthenticate: { error: 'invalid_token' }, weaker: { clause, reference: { doc: 'RFC 9068', section: '2.2' } } } as const;

  it('grades an acceptance the contract allows as weaker, naming the clause', () => {
    const j = judge(weakerExp, { request, response: respond(200), upstream: reached });
    expect(j).toEqual({ verdict: 'weaker', findings: [`accepted as the target's contract allows, but weaker than ${clause}`], chose: 'accept' });
  });

  it('passes a refusal: the gateway is as strict as the RFC (RFC 9068 §4)', () => {
    const j = judge(weakerExp, { request, response: respond(401, { 'www-authenticate': invalidToken }), upstream: null });
    expect(j).toEqual({ verdict: 'pass', findings: [], chose: 'reject' });
  });

  it('grades the refusal like any other: a wrong status is non-strict (RFC 6750 §3.1)', () => {
    const j = judge(weakerExp, { request, response: respond(403, { 'www-authenticate': invalidToken }), upstream: null });
    expect(j).toMatchObject({ verdict: 'non-strict', findings: ['status 403, expected 401'] });
  });

  it('still fails a real failure: refused but forwarded, or accepted without reaching the upstream', () => {
    expect(judge(weakerExp, { request, response: respond(401, { 'www-authenticate': invalidToken }), upstream: reached }).verdict).toBe('fail');
    expect(judge(weakerExp, { request, response: respond(200), upstream: null })).toMatchObject({ verdict: 'fail', findings: ['the upstream was not reached'] });
  });

  it('still fails an acceptance whose claim headers are wrong', () => {
    const j = judge({ ...weakerExp, upstreamHeaders: { 'x-user-id': 'bob' } }, { request, response: respond(200), upstream: reached });
    expect(j).toMatchObject({ verdict: 'fail', findings: ['upstream header x-user-id is "alice", expected "bob"'] });
  });
});

describe('parseChallenges (RFC 9110 §11.6.1)', () => {
  it('reads several challenges, quoted commas and several header lines', () => {
    expect(parseChallenges(['Basic realm="a, b"', 'Bearer realm="gw", error="invalid_token", error_description="exp, passed"'])).toEqual([
      { scheme: 'basic', params: { realm: 'a, b' } },
      { scheme: 'bearer', params: { realm: 'gw', error: 'invalid_token', error_description: 'exp, passed' } },
    ]);
    expect(parseChallenges('Newauth realm="apps", type=1, Bearer')).toEqual([
      { scheme: 'newauth', params: { realm: 'apps', type: '1' } },
      { scheme: 'bearer', params: {} },
    ]);
  });
});
