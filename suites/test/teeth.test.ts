import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AUDIENCE } from '../../gateway-under-test/index.ts';
import { createMockIdp } from '../../mock-idp/index.ts';
import { startEchoUpstream } from '../harness/echo-upstream.ts';
import { idpDriver } from '../harness/idp-driver.ts';
import { loadCases } from '../harness/load-cases.ts';
import type { RunReport } from '../harness/run-report.ts';
import { runSuite } from '../harness/run-suite.ts';
import { BLOCKING_LEVELS } from '../harness/verdict-rank.ts';
import { startBrokenGateway, type BrokenGatewayFault } from './support/start-broken-gateway.ts';
import { startBrokenHttpGateway, type BrokenHttpFault } from './support/start-broken-http-gateway.ts';

/**
 * The suite has teeth: each deliberately broken gateway — one validation mistake each — is caught by at
 * least one blocking case that the same gateway without the mistake passes, run with the same options
 * and the same cases. The baseline comparison is what makes the catch the fault's doing rather than
 * something else the tiny gateway does not implement. `by` names cases that must be among the catchers:
 * the ones written for that mistake, so weakening one of them fails here.
 *
 * Every run has its own mock IdP and echo upstream, so runs go concurrently (a few at a time, the CI
 * machine has two cores) even when their cases rotate keys, set IdP faults or count IdP requests.
 */
interface Fault {
  fault: Exclude<BrokenGatewayFault, 'none'>;
  /** `--only` patterns: just the cases this fault needs. */
  only: string;
  by?: string[];
  clockSkewSeconds?: number;
}

const FAULTS: Fault[] = [
  { fault: 'no-audience-check', only: 'claims/audience-*', by: ['claims/audience-of-another-api'] },
  { fault: 'exp-not-required', only: 'claims/exp-*', by: ['claims/exp-absent'] },
  // Caught every time only because the case mints its token at the start of a second.
  { fault: 'exp-inclusive', only: 'claims/exp-*', by: ['claims/exp-equals-now'] },
  { fault: 'nbf-ignored', only: 'claims/nbf-*', by: ['claims/nbf-one-hour-ahead'] },
  { fault: 'issuer-not-checked', only: 'claims/issuer-*', by: ['claims/issuer-foreign'] },
  { fault: 'issuer-prefix-match', only: 'claims/issuer-*', by: ['claims/issuer-extra-path-segment'] },
  { fault: 'cache-ignores-exp', only: 'claims/expired-*', by: ['claims/expired-while-cached'] },
  // Caught only because the case sends the token more than once before it expires.
  { fault: 'cache-ignores-exp-admits-on-second-sighting', only: 'claims/expired-*', by: ['claims/expired-while-cached'] },
  // A declared skew of a minute makes claims/expired-while-cached skip; the skew-independent case still runs.
  { fault: 'cache-serves-expired-under-skew', only: 'claims/expired-*', clockSkewSeconds: 60, by: ['claims/expired-within-skew-while-cached'] },
  { fault: 'alg-none-accepted', only: 'algorithm', by: ['algorithm/alg-none-unsigned', 'algorithm/alg-none-no-kid', 'algorithm/alg-none-unknown-kid'] },
  { fault: 'signature-not-checked', only: 'algorithm', by: ['algorithm/flipped-signature-bit', 'algorithm/attacker-key-primary-kid'] },
  { fault: 'alg-from-header', only: 'algorithm/*-genuine-key', by: ['algorithm/ps256-genuine-key'] },
  { fault: 'hmac-key-confusion', only: 'algorithm/hs*', by: ['algorithm/hs256-key-confusion-pem'] },
  { fault: 'hmac-key-confusion-crlf-key-file', only: 'algorithm/hs*', by: ['algorithm/hs256-key-confusion-pem-crlf'] },
  // Refuses every genuine token: the run must still go on and show the forgeries it accepts.
  { fault: 'hmac-only-with-public-key', only: 'algorithm/hs*', by: ['algorithm/hs256-key-confusion-pem'] },
  { fault: 'lax-base64url-decoder', only: 'transport', by: ['transport/tilde-inside-signature', 'transport/tilde-inside-header'] },
  { fault: 'unknown-kid-skips-verification', only: 'algorithm,keys/unknown-kid', by: ['keys/unknown-kid', 'algorithm/flipped-signature-bit-unknown-kid'] },
  { fault: 'absent-kid-skips-verification', only: 'algorithm,keys/kid-absent-*', by: ['algorithm/attacker-key-no-kid', 'algorithm/flipped-signature-bit-no-kid'] },
  { fault: 'missing-key-verifies-empty-hmac', only: 'algorithm/hs*', by: ['algorithm/hs256-empty-secret-unknown-kid', 'algorithm/hs256-empty-secret-no-kid'] },
  { fault: 'embedded-jwk-trusted', only: 'keys/embedded-*', by: ['keys/embedded-jwk-attacker-kid'] },
  { fault: 'jku-followed', only: 'keys/jku-*', by: ['keys/jku-not-fetched'] },
  { fault: 'jwks-refetch-every-unknown-kid', only: 'keys/unknown-kid*', by: ['keys/unknown-kid-flood'] },
  { fault: 'jwks-outage-fails-open', only: 'idp-faults/jwks-*', by: ['idp-faults/jwks-down-unknown-kid', 'idp-faults/jwks-garbage'] },
  { fault: 'role-substring-match', only: 'claims/role-*', by: ['claims/role-containing-required', 'claims/role-ending-with-required'] },
  { fault: 'role-prefix-match', only: 'claims/role-*', by: ['claims/role-prefix-of-required'] },
  { fault: 'role-case-insensitive', only: 'claims/role-*', by: ['claims/role-other-case-of-required'] },
  { fault: 'scope-substring-match', only: 'claims/scope-*', by: ['claims/scope-containing-required'] },
  { fault: 'claim-headers-passed-through', only: 'forwarding', by: ['forwarding/spoofed-claim-headers-lower-case-every-route'] },
  { fault: 'claim-headers-stripped-exact-case-only', only: 'forwarding', by: ['forwarding/spoofed-claim-headers-lower-case-every-route', 'forwarding/spoofed-claim-headers-mixed-case-every-route'] },
  { fault: 'claim-headers-overwritten-not-stripped', only: 'forwarding', by: ['forwarding/spoofed-scopes-header-claim-absent', 'forwarding/spoofed-claim-headers-upper-case-every-route'] },
  { fault: 'claim-headers-kept-on-anonymous-route', only: 'forwarding', by: ['forwarding/spoofed-headers-on-anonymous-route', 'forwarding/spoofed-claim-headers-duplicated-every-route'] },
  { fault: 'rate-limit-unverified-key', only: 'rate-limit' },
  { fault: 'cae-ignored', only: 'entra/cae-*', by: ['entra/cae-revoked-user-token', 'entra/cae-revoked-session'] },
  { fault: 'cae-revokes-whole-user', only: 'entra/cae-*', by: ['entra/cae-revoked-user-token'] },
  // Caught only because the cases send the token before the revocation, so the refusal has to come through a cache hit.
  { fault: 'cae-unchecked-on-cache-hit', only: 'entra/cae-*', by: ['entra/cae-revoked-user-token', 'entra/cae-revoked-session'] },
];

/**
 * Below the token (http/ cases), against a small proxy with one mistake each and its honest twin. Every
 * http/ case must fail against at least one of them, whatever its level (a SHOULD case that cannot fail
 * is as hollow as a MUST one), and `by` names the cases written for that mistake.
 */
interface HttpFault {
  fault: Exclude<BrokenHttpFault, 'none'>;
  by: string[];
}

const CLIMBS = [
  'encoded-slash-climbs-out-of-anonymous-route',
  'encoded-backslash-climbs-out-of-anonymous-route',
  'percent-encoded-dot-segments-climb-out-of-anonymous-route',
  'half-encoded-dot-segments-climb-out-of-anonymous-route',
  'fully-encoded-traversal-climbs-out-of-anonymous-route',
  'double-encoded-dot-segments-climb-out-of-anonymous-route',
  'double-encoded-slash-climbs-out-of-anonymous-route',
  'dot-segment-with-path-parameter-climbs-out-of-anonymous-route',
  'backslash-dot-segments-climb-out-of-anonymous-route',
  'nul-before-dot-segments-climbs-out-of-anonymous-route',
  'dot-segments-after-a-dot-name-climb-out-of-anonymous-route',
];
const SMUGGLING = [
  'smuggling-content-length-and-chunked',
  'smuggling-space-before-colon-in-transfer-encoding',
  'smuggling-chunked-not-the-final-coding',
  'smuggling-two-transfer-encoding-lines',
  'smuggling-folded-transfer-encoding',
  'smuggling-unknown-transfer-coding',
  'smuggling-two-content-lengths',
];
// Upstream answers the naive relay passes on byte for byte (its honest twin reads them with node:http's client).
const UPSTREAM_ANSWERS = [
  'upstream-answer-with-content-length-and-chunked',
  'upstream-answer-with-two-content-lengths',
  'upstream-answer-with-bare-lf-line-endings',
  'upstream-answer-with-cr-inside-header-value',
  'upstream-answer-with-oversized-head',
  'upstream-answer-closed-before-body-ends',
];
const http = (ids: string[]) => ids.map((id) => `http/${id}`);
const HTTP_FAULTS: HttpFault[] = [
  { fault: 'raw-path-prefix-match', by: http([...CLIMBS, 'dot-segments-between-routes-with-different-requirements', 'encoded-slash-between-routes-with-different-requirements']) },
  { fault: 'decode-after-match', by: http(['percent-encoded-dot-segments-climb-out-of-anonymous-route', 'half-encoded-dot-segments-climb-out-of-anonymous-route', 'encoded-slash-climbs-out-of-anonymous-route', 'fully-encoded-traversal-climbs-out-of-anonymous-route']) },
  { fault: 'unmatched-paths-forwarded', by: http(['percent-encoded-letter-in-protected-path', 'trailing-dot-in-protected-path-segment', 'mixed-case-protected-path', 'absolute-form-protected-target']) },
  { fault: 'host-not-checked', by: http(['two-host-headers', 'missing-host-header', 'host-header-with-a-path']) },
  { fault: 'override-headers-forwarded', by: http(['request-target-override-headers-from-anonymous-route', 'method-override-header-to-stricter-method', 'x-http-method-header-to-stricter-method', 'method-override-query-parameter']) },
  { fault: 'underscore-claim-headers-kept', by: http(['claim-header-with-underscores-on-anonymous-route']) },
  { fault: 'connection-listed-removed-after-claims', by: http(['connection-lists-claim-headers']) },
  { fault: 'connection-header-forwarded', by: http(['connection-listed-field-not-forwarded', 'connection-listed-on-second-connection-line']) },
  { fault: 'connection-last-line-only', by: http(['connection-listed-on-second-connection-line']) },
  { fault: 'upgrade-forwarded', by: http(['h2c-upgrade-not-forwarded']) },
  { fault: 'naive-relay', by: http([...SMUGGLING, ...UPSTREAM_ANSWERS, 'claim-header-with-space-before-colon', 'claim-header-folded-onto-previous-line', 'claim-header-before-first-field-line']) },
  { fault: 'frames-by-transfer-encoding', by: http(['smuggling-chunked-and-content-length']) },
  { fault: 'upgrade-tunnelled', by: http(['websocket-upgrade-refused-then-unauthenticated-request', 'h2c-upgrade-not-forwarded']) },
  { fault: 'upstream-framing-relayed', by: http(['upstream-answer-with-content-length-and-chunked']) },
];

/** Runs in flight at once; most of a run's time is waiting (cooldowns, expiry), not CPU. */
const PARALLEL = 4;

async function runAgainst(fault: BrokenGatewayFault, only: string, clockSkewSeconds?: number): Promise<RunReport> {
  const idp = await createMockIdp({ port: 0 });
  const upstream = await startEchoUpstream();
  const tenant = idp.tenant('contoso');
  const gateway = await startBrokenGateway({ fault, issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: DEMO_AUDIENCE, upstreamUrl: upstream.url, clockSkewSeconds, revocationListUrl: tenant.revocationList });
  try {
    return await runSuite({
      target: { name: gateway.profile.name, baseUrl: gateway.url, profile: gateway.profile, idp: idpDriver(idp, 'contoso'), upstream, stop: gateway.stop },
      cases: await loadCases({ only }),
      concurrency: 8,
    });
  } finally {
    await gateway.stop();
    await upstream.close();
    await idp.close();
  }
}

async function runAgainstHttp(fault: BrokenHttpFault): Promise<RunReport> {
  const idp = await createMockIdp({ port: 0 });
  const upstream = await startEchoUpstream();
  const tenant = idp.tenant('contoso');
  const gateway = await startBrokenHttpGateway({ fault, issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: DEMO_AUDIENCE, upstreamUrl: upstream.url });
  try {
    return await runSuite({
      target: { name: gateway.profile.name, baseUrl: gateway.url, profile: gateway.profile, idp: idpDriver(idp, 'contoso'), upstream, stop: gateway.stop },
      cases: await loadCases({ only: 'http/*' }),
      concurrency: 8,
      // A proxy that waits for body bytes its framing promised (frames-by-transfer-encoding) holds a raw exchange this long.
      requestTimeoutMs: 2000,
    });
  } finally {
    await gateway.stop();
    await upstream.close();
    await idp.close();
  }
}

async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return out;
}

const baselineKey = (f: Pick<Fault, 'only' | 'clockSkewSeconds'>) => `${f.clockSkewSeconds ?? 0}|${f.only}`;
const blockingFailures = (report: RunReport) => report.cases.filter((c) => c.verdict === 'fail' && BLOCKING_LEVELS.has(c.level)).map((c) => c.id);
const errors = (report: RunReport) => report.cases.filter((c) => c.verdict === 'error').map((c) => `${c.id}: ${c.errorMessage}`);

const baselines = new Map<string, RunReport>();
const faulty = new Map<string, RunReport>();
const httpFaulty = new Map<string, RunReport>();
let httpBaseline: RunReport | undefined;
let ran = false;

beforeAll(async () => {
  const keys = [...new Map(FAULTS.map((f) => [baselineKey(f), f])).values()];
  const jobs: (() => Promise<void>)[] = [
    async () => void (httpBaseline = await runAgainstHttp('none')),
    ...HTTP_FAULTS.map((f) => async () => void httpFaulty.set(f.fault, await runAgainstHttp(f.fault))),
    ...keys.map((f) => async () => void baselines.set(baselineKey(f), await runAgainst('none', f.only, f.clockSkewSeconds))),
    ...FAULTS.map((f) => async () => void faulty.set(f.fault, await runAgainst(f.fault, f.only, f.clockSkewSeconds))),
  ];
  await pool(jobs, PARALLEL);
  ran = true;
}, 240_000);

afterAll(() => {
  if (process.env.GATECHECK_TEETH_DEBUG) {
    for (const f of FAULTS) console.log(f.fault, '←', caughtBy(f).join(' '));
    for (const f of HTTP_FAULTS) console.log(f.fault, '←', httpCaughtBy(f.fault).join(' '));
  }
});

/** http/ cases (any level) the faulty proxy fails and its honest twin passes. */
function httpCaughtBy(fault: string): string[] {
  const held = new Set(httpBaseline!.cases.filter((c) => c.verdict === 'pass' || c.verdict === 'non-strict').map((c) => c.id));
  return httpFaulty.get(fault)!.cases.filter((c) => c.verdict === 'fail' && held.has(c.id)).map((c) => c.id);
}

function caughtBy(f: Fault): string[] {
  const baseline = baselines.get(baselineKey(f))!;
  const passedByBaseline = new Set(baseline.cases.filter((c) => c.verdict === 'pass' || c.verdict === 'non-strict').map((c) => c.id));
  return blockingFailures(faulty.get(f.fault)!).filter((id) => passedByBaseline.has(id));
}

describe('each deliberately broken gateway is caught by a MUST case', () => {
  it('has at least 20 single-fault gateways, each tested here', () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(FAULTS.map((f) => f.fault)).size).toBe(FAULTS.length);
  });

  it('the honest baselines raise no harness error', () => {
    expect(ran).toBe(true);
    expect([...baselines.values()].flatMap(errors)).toEqual([]);
  });

  for (const f of FAULTS) {
    it(`catches ${f.fault} (cases under ${f.only}${f.clockSkewSeconds ? `, declared skew ${f.clockSkewSeconds} s` : ''})`, () => {
      const report = faulty.get(f.fault)!;
      const caught = caughtBy(f);
      expect(caught, `no blocking case failed against ${f.fault} that the honest gateway passes`).not.toEqual([]);
      for (const id of f.by ?? []) expect(caught, `${id} should catch ${f.fault}`).toContain(id);
      expect(errors(report)).toEqual([]);
    });
  }
});

describe('each deliberately broken proxy is caught by the http/ cases written for its mistake', () => {
  it('the honest proxy passes every http/ case, skipping none, with no harness error', () => {
    expect(httpBaseline!.cases.filter((c) => c.verdict !== 'pass' && c.verdict !== 'non-strict').map((c) => `${c.id}: ${c.verdict} ${c.skipReason ?? c.errorMessage ?? c.steps.flatMap((s) => s.findings).join('; ')}`)).toEqual([]);
    expect(httpBaseline!.cases.filter((c) => c.id.startsWith('http/')).length).toBeGreaterThanOrEqual(30);
  });

  for (const f of HTTP_FAULTS) {
    it(`catches ${f.fault}`, () => {
      const caught = httpCaughtBy(f.fault);
      for (const id of f.by) expect(caught, `${id} should catch ${f.fault}`).toContain(id);
      expect(errors(httpFaulty.get(f.fault)!)).toEqual([]);
    });
  }

  it('every http/ case fails against at least one broken proxy its honest twin does not fail', () => {
    const caught = new Set(HTTP_FAULTS.flatMap((f) => httpCaughtBy(f.fault)));
    const ids = httpBaseline!.cases.map((c) => c.id).filter((id) => id.startsWith('http/'));
    expect(ids.filter((id) => !caught.has(id))).toEqual([]);
  });
});

describe('a target that refuses the genuine baseline is still run through every case', () => {
  it('reports the refused baseline as a MUST failure and still shows the forged tokens it accepts', () => {
    const report = faulty.get('hmac-only-with-public-key')!;
    const baseline = report.cases.filter((c) => c.id.startsWith('baseline/'));
    expect(baseline.length).toBeGreaterThan(0);
    expect(baseline.every((c) => c.verdict === 'fail' && c.level === 'must')).toBe(true);
    expect(baseline[0].steps[0].findings[0]).toMatch(/refused a token its contract accepts/);
    expect(report.summary.error).toBe(0);
    const accepted = report.cases.find((c) => c.id === 'algorithm/hs256-key-confusion-pem')!;
    expect(accepted.verdict).toBe('fail');
    expect(accepted.steps[0].observation.response?.status).toBe(200);
  });
});
