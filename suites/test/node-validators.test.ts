import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, NODE_VALIDATOR_ADAPTERS, peerForTests } from '../../gateway-under-test/index.ts';
import { loadCases, type LoadedCase } from '../harness/load-cases.ts';
import type { RunReport } from '../harness/run-report.ts';
import { runSuite } from '../harness/run-suite.ts';
import { isBlockingFailure } from '../harness/verdict-rank.ts';
import { startAdapterTarget, type AdapterRunTarget } from '../harness/start-adapter-target.ts';

/**
 * The third-party Node JWT validators, each configured as its README shows, run the whole suite.
 * Every blocking failure (must, profile, either) must be a real finding listed below, and nothing
 * else may fail: a new failure, or a listed one that went away, fails this file.
 * Each entry was reproduced by hand against the validator's server (token minted by the mock,
 * sent with curl) before it was listed.
 */
const VALIDATORS = ['node-jwt-bearer', ...Object.keys(NODE_VALIDATOR_ADAPTERS)];

const CRIT_IGNORED =
  'jsonwebtoken 9 never reads the crit header: a correctly signed token with crit ["exp-ext"] or crit ' +
  '"exp-ext" is accepted (200), although RFC 7515 §4.1.11 makes such a JWS invalid for a recipient that ' +
  'does not understand the extension. Reproduce: gatecheck mint --idp MOCK --recipe with ' +
  '{"header":{"crit":["exp-ext"],"exp-ext":1}}, then curl -H "authorization: Bearer $T" FRONT/api/orders';
const UNTHROTTLED_JWKS = (how: string) =>
  `${how}: 20 concurrent requests with 20 distinct unknown kids made the mock serve 20 JWKS requests ` +
  '(DELETE /_admin/requests, mint 20 tokens with {"header":{"kid":"gatecheck-unknown-N"}}, send them at once, ' +
  'GET /_admin/requests?endpoint=jwks), so any unauthenticated client turns each request into an IdP fetch. ' +
  'The case cites vendor practice (APIM, mod_auth_openidc) rather than an RFC MUST for its level';
const RATE_LIMITED_NEW_KEY =
  "jwks-rsa's rateLimit (5 JWKS fetches a minute, as its express example sets it) is one budget for every " +
  'unknown kid: once unknown-kid tokens from anyone have spent it, a genuine token signed by the published ' +
  'next key is refused 401 ("Too many requests to the JWKS endpoint") until the bucket refills (one fetch per ' +
  '12 s). Reproduce: send 5 tokens with unknown kids, then mint --variant signed-by-next-key and curl it: 401; ' +
  'the same token 13 s later: 200';
const CLAIM_ABSENT_PASSES =
  "fast-jwt checks allowedAud/allowedIss only when the claim is present (verifier.js skips the validator for a " +
  'missing claim; requiredClaims is empty by default), so a correctly signed token without the claim is ' +
  'accepted (200). Reproduce: mint --recipe {"omitClaims":["aud"]} (or ["iss"]) and curl it';

/** Blocking failures that are the validator's own behaviour, configured as its README shows. */
const REAL_FINDINGS: Record<string, Record<string, string>> = {
  'node-jwt-bearer': {
    'transport/tilde-inside-signature':
      'express-oauth2-jwt-bearer 1.10 verifies with its own jose 4.15, whose base64url decoder (Buffer.from(s, "base64")) ' +
      'skips characters outside the alphabet: "~~" inserted into the signature decodes to the genuine signature and the ' +
      'token is accepted, although RFC 7515 §5.2 makes a JWS with such characters invalid. Reproduced with jose 4.15.9 ' +
      'jwtVerify directly (accepted) against jose 6 ("Failed to base64url decode the signature").',
  },
  'node:jsonwebtoken': {
    'keys/crit-not-an-array': CRIT_IGNORED,
    'keys/crit-unknown-extension': CRIT_IGNORED,
    'keys/unknown-kid-flood': UNTHROTTLED_JWKS('jwks-rsa with its README defaults (rateLimit off) fetches the JWKS for every unknown kid'),
  },
  'node:express-jwt': {
    'keys/crit-not-an-array': `${CRIT_IGNORED} (express-jwt verifies with jsonwebtoken)`,
    'keys/crit-unknown-extension': `${CRIT_IGNORED} (express-jwt verifies with jsonwebtoken)`,
    'keys/rotation-next-key-promoted': RATE_LIMITED_NEW_KEY,
    'keys/signed-by-next-key': RATE_LIMITED_NEW_KEY,
  },
  'node:jose': {},
  'node:fast-jwt': {
    'claims/audience-missing': CLAIM_ABSENT_PASSES,
    'claims/issuer-missing': CLAIM_ABSENT_PASSES,
    'keys/unknown-kid-flood': UNTHROTTLED_JWKS('get-jwks has no refetch throttle: every kid it has not cached fetches the JWKS'),
  },
};

// One run takes about 16 s on two shared cores; bounded so a hung validator fails the file.
const SUITE_TIMEOUT_MS = 120_000;

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

let cases: LoadedCase[];
beforeAll(async () => {
  cases = await loadCases({});
});

describe.each(VALIDATORS)('%s, configured as its README shows, under the whole suite', (name) => {
  const adapter = ADAPTERS[name];
  const peer = peerForTests(adapter.binary, { requiredFiles: adapter.requiredFiles, requiredPackages: adapter.requiredPackages });
  let target: AdapterRunTarget | undefined;
  let report: RunReport | undefined;

  beforeAll(async () => {
    if (peer.skipReason) return;
    target = await startAdapterTarget(name);
    try {
      report = await runSuite({ target, cases });
    } finally {
      await target.stop();
    }
  }, SUITE_TIMEOUT_MS);

  afterAll(() => target?.stop());

  it('runs every case without a harness error', (ctx) => {
    ctx.skip(peer.skipReason !== undefined, peer.skipReason);
    const errors = report!.cases.filter((c) => c.verdict === 'error').map((c) => `${c.id}: ${c.errorMessage}`);
    expect(errors).toEqual([]);
  });

  it('fails no blocking case but the listed real findings', (ctx) => {
    ctx.skip(peer.skipReason !== undefined, peer.skipReason);
    const failed = report!.cases.filter(isBlockingFailure).map((c) => c.id);
    const listed = Object.keys(REAL_FINDINGS[name] ?? {});
    expect(failed.sort()).toEqual(listed.sort());
  });

  it('passes the genuine-token cases', (ctx) => {
    ctx.skip(peer.skipReason !== undefined, peer.skipReason);
    const ids = ['entra/v2-app-only-token', 'entra/v2-delegated-token', 'claims/audience-array-with-ours'];
    expect(Object.fromEntries(ids.map((id) => [id, report!.cases.find((c) => c.id === id)?.verdict]))).toEqual(Object.fromEntries(ids.map((id) => [id, 'pass'])));
  });

  it('stops cleanly: the port refuses connections', async (ctx) => {
    ctx.skip(peer.skipReason !== undefined, peer.skipReason);
    expect(await portRefuses(target!.port)).toBe(true);
  });
});
