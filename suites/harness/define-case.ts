import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { FaultRequest, TokenRecipe } from '../../mock-idp/index.ts';

/**
 * How a case is graded (after the OpenID Foundation conformance suite's accept-or-reject tests, Autobahn's
 * OK / NON-STRICT grades and Wycheproof's valid / invalid / acceptable): `must` — the security outcome is
 * absolute; `should` — a recommendation (RFC SHOULD), failing it is reported but does not fail the run;
 * `profile` — the expectation depends on what the target profile declares, and a failure fails the run
 * like `must` (the target declared the behaviour); `either` — both outcomes are acceptable, the report
 * says which one the gateway chose.
 */
export type Level = 'must' | 'should' | 'profile' | 'either';

export interface Reference {
  /** `RFC 6750`, `CVE-2022-21449`, `APIM validate-jwt`, `OIDF oidcc-client-test-kid-absent-single-jwks`, … */
  doc: string;
  section?: string;
  url?: string;
}

/** Where the case's token travels and what else is on the wire. Strings may contain `{token}`. */
export interface RequestSpec {
  method?: string;
  /** Default: the profile's first protected GET route (`/api/orders` for the reference gateway). */
  path?: string;
  /** `header` (default): `Authorization: Bearer {token}`; `none`: the token is not sent unless placed explicitly. */
  tokenIn?: 'header' | 'query' | 'body' | 'none';
  /** Exact `Authorization` header value(s); several values become several header lines. Overrides `tokenIn: header`. */
  authorization?: string | string[];
  /** Extra headers in order, duplicates allowed, values sent byte for byte. */
  headers?: [string, string][];
  query?: [string, string][];
  body?: string;
  contentType?: string;
  /**
   * The loopback address the request leaves from (default 127.0.0.1): `{{run.address.NAME}}` is one of
   * this run's own for NAME, so a case can be a caller apart for a limit keyed on the caller's address.
   */
  from?: string;
  /**
   * Exact bytes (latin1) for one new connection, written at once, instead of a request built from the
   * fields above: `method` and `path` then only name the route the case's token is minted for. The
   * bytes may hold several requests (pipelined, or one smuggled inside another's body). Templates:
   * `{token}`; `{host}`, the target's host:port; `{requestId}` and `{requestId.1}` … `{requestId.9}`,
   * ids the harness looks for at the echo upstream, whichever request carries them. Every id is 36
   * characters, so a case can compute a Content-Length over a body holding one (`rawLength`).
   */
  raw?: string;
  /** The requests in `raw` the target is to answer, by method, in order (default one GET): HEAD answers carry no body. */
  rawMethods?: string[];
}

/** How backends other than the gateway may read a forwarded request, beyond RFC 3986 (see Guard). */
export type Reading =
  /** Every percent-escape decoded once: `%2F` and `%5C` become separators (CVE-2021-29492). */
  | 'decode'
  /** Decoded until nothing changes: `%252e` becomes `.` (CVE-2021-42013). */
  | 'decode-repeatedly'
  /** `\` read as `/` (Windows, IIS). */
  | 'backslash'
  /** `;…` path parameters dropped from each segment, so `..;` is `..` (Tomcat, Spring: CVE-2020-1957). */
  | 'path-parameters'
  /** The path cut at NUL (C strings). */
  | 'nul'
  /** Trailing dots of a segment dropped (Windows file names). */
  | 'trailing-dots'
  /** Paths compared without regard to case (IIS, ASP.NET routing). */
  | 'case'
  /** The method taken from X-HTTP-Method-Override, X-HTTP-Method, X-Method-Override or a `_method` parameter, the path from X-Original-URL or X-Rewrite-URL. */
  | 'overrides';

/**
 * Judged from what the step's requests delivered to the upstream, whatever the gateway answered: every
 * request arriving there with one of the step's request ids is read the way RFC 3986 says (encoded
 * unreserved characters decoded, dot segments removed, absolute-form reduced to its path) and the way
 * `readings` add; if a reading lands on a route the contract protects, the request must carry the
 * case's token and the token must meet that route's requirement. An override reading to a method the
 * contract allows nowhere on that path fails too. And the bytes the upstream received around the ids
 * must be ones llhttp accepts: what a strict parser refuses, a lenient one may read as two requests.
 */
export interface Guard {
  readings?: Reading[];
  /** Which request ids carry the case's token (0 = `{requestId}`, 1 = `{requestId.1}`, …); default [0] when a token is sent. */
  tokenOn?: number[];
}

export interface WwwAuthenticateExpectation {
  /** `null`: the challenge must carry no `error` attribute (RFC 6750 §3, no credentials sent). */
  error?: string | null;
  /** 403 insufficient_scope: the challenge should name the required scope (RFC 6750 §3). */
  scope?: boolean;
}

export interface Expectation {
  outcome: 'reject' | 'accept' | 'either';
  /** RFC 6750 grading: a refusal with another status is `non-strict`, not failed. */
  status?: number | number[];
  wwwAuthenticate?: WwwAuthenticateExpectation;
  /** Default: `untouched` for reject, `reached` for accept. */
  upstream?: 'untouched' | 'reached';
  /**
   * Headers the upstream must see with this value (string), must match (RegExp), or must not see (null).
   * A key `@userId` / `@tenantId` / `@clientId` / `@roles` / `@scopes` names the profile's claim header;
   * a string value may contain `{claims.NAME}` / `{header.NAME}`, filled from the token this step sent
   * (arrays comma-joined); a whole value `{claims.NAME?}` expects the header absent when the token lacks
   * the claim.
   */
  upstreamHeaders?: Record<string, string | RegExp | null>;
  /**
   * Bounds on what the mock IdP saw during this step (request log, all tenants, counted from just before
   * the step's first request to just after its last response), e.g. JWKS refetch throttling. A case
   * with any makes the case run alone (see `exclusive`).
   * `attacker` counts requests to the mock's /_attacker listener (where jku/x5u injection cases point).
   * `atMost` is a requirement (a refetch flood fails the case). `atLeast` proves the case met what it
   * names (the gateway really fetched during the fault): unmet, and the security outcome held, the case
   * is inconclusive and reported skipped with the reason, never passed and never a MUST failure.
   */
  idpRequests?: { endpoint: 'discovery' | 'jwks' | 'token' | 'attacker'; atMost?: number; atLeast?: number }[];
  /** Below the token (http/ cases): see Guard. A finding fails the step whatever the outcome. */
  guard?: Guard;
  /**
   * The bytes the client received must frame (llhttp) into answers with nothing malformed after them: a
   * kept-alive client would read stray bytes as the start of its next answer (response desync).
   */
  clientFraming?: true;
  /**
   * The first request gets a complete answer (any status) or the connection closes before the step's
   * time is up: a gateway that waits on a broken upstream answer without bound holds its client (and
   * its memory) as long as the upstream likes.
   */
  answerInTime?: true;
  /** Response headers (lower-case names) with this value, matching, or absent (null); graded like status (a mismatch is `non-strict`). */
  responseHeaders?: Record<string, string | RegExp | null>;
  /**
   * The target's contract allows the gateway to accept this request, but RFC 8725 / RFC 9068 require a
   * refusal (README: "Verdicts"). Use with `outcome: 'either'`: an acceptance that reaches the
   * upstream is graded `weaker` and names `clause`; a refusal is judged like a `reject` expectation
   * (upstream untouched, then `status` and `wwwAuthenticate` graded as usual), so it passes or is
   * `non-strict`. `clause` names the RFC, its section and the requirement in a few words.
   */
  weaker?: { clause: string; reference: Reference };
}

/** Why a case cannot run against this profile; the verdict becomes `skipped` with this reason. */
export interface Skip {
  skip: string;
  /**
   * `run`: this run cannot do it (no Docker engine, a wait too long for a conformance run, a construct
   * the policy emulation cannot reproduce). Default `target`: the target's contract lacks what the case
   * needs. The summary counts the two apart.
   */
  cause?: 'target' | 'run';
}

/** Changes to the mock IdP a case makes before (setup) or after (teardown) its requests. */
export type IdpAction =
  | { action: 'rotate-keys' }
  | { action: 'fault'; endpoint: 'discovery' | 'jwks' | 'token'; fault: FaultRequest }
  | { action: 'clear-faults' }
  | { action: 'clear-request-log' }
  | { action: 'clock'; offsetSeconds: number }
  | { action: 'wait'; ms: number }
  /**
   * Waits until the wall clock starts its next second, so a token minted right after with exp or nbf
   * at "now" reaches the gateway within that same second, wherever in a second the case began.
   */
  | { action: 'wait'; untilNextSecond: true }
  /**
   * Publishes one more key in the tenant's JWKS under a chosen kid, so a recipe can sign with it
   * (`key: { type: 'kid', kid }`); `modulusLength: 1024` makes it deliberately weak, `publicExponent: 1`
   * publishes it with e = 1 (RS* signatures anyone can forge). Default state `next` (published, not
   * signing). Undo with `remove-key` in the teardown.
   */
  | { action: 'add-key'; kid: string; state?: 'next' | 'previous'; modulusLength?: 1024 | 2048 | 3072 | 4096; publicExponent?: 1 }
  | { action: 'remove-key'; kid: string }
  /**
   * Continuous access evaluation: revokes a user's sign-in sessions (UPN or object id) or one session
   * (`sid`) on the mock, then waits as long as the mock's revocation list may be cached (its max-age,
   * plus half a second), so a gateway that honours that caching has seen it. Undo with
   * `clear-revocations` in the teardown (the harness also clears them after the case).
   */
  | { action: 'revoke-user'; user: string }
  | { action: 'revoke-session'; sid: string }
  | { action: 'clear-revocations' };

/** One request of a multi-step case; `repeat` sends it that many times, each judged. */
export interface Step {
  /** As `CaseDefinition.token`; here `{{run.i}}` is the repetition index within this step. */
  token?: TokenRecipe;
  request?: RequestSpec;
  expect: Expectation;
  repeat?: number;
  /** Sent concurrently (a flood) instead of one after another. */
  concurrent?: boolean;
  /** IdP actions right before this step (e.g. `{ action: 'wait', ms }` until a token expires, or a rotation mid-case). */
  before?: IdpAction[];
  /** Send the token an earlier step (0-based index) sent, byte for byte, instead of minting one (cache and replay cases). */
  reuseToken?: number;
}

type FromProfile<T> = T | ((profile: TargetProfile) => T);

export interface CaseDefinition {
  /** `<category>/<slug>`, equal to the file's path under suites/cases; never renumbered. */
  id: string;
  title: string;
  level: Level;
  references: Reference[];
  /** Rows of the attack catalogue (fixtures/attack-catalogue.json) this case covers, e.g. `['B01']`. */
  covers: string[];
  /** Feature names (fixtures/features.json); the case is skipped when the target profile lacks one. */
  features: string[];
  /**
   * Cases that change shared state (IdP keys, faults, the clock, rate-limit counters) run alone, in file
   * order. A case with `setup`, `teardown`, a `before` action other than `wait`, or `idpRequests` runs
   * alone without saying so; after any such case the harness clears the tenant's faults and IdP clock
   * offset (keys cannot be un-rotated: undo `add-key` with `remove-key` in `teardown`).
   */
  exclusive?: boolean;
  /**
   * The token as data (printable, replayable); a function of the profile only when it must read config
   * (skew, audiences). Absent: a genuine token of the default profile (`{}`), for steps too; a request
   * without credentials says `request: { tokenIn: 'none' }`. Recipe strings may contain `{{run.i}}`
   * (repetition index within a step) and `{{run.nonce}}` (unique per case and run), filled by the harness
   * before minting: distinct kids for a flood, a fresh rate-limit identity per run.
   */
  token?: FromProfile<TokenRecipe>;
  request?: FromProfile<RequestSpec>;
  expect?: FromProfile<Expectation | Skip>;
  setup?: IdpAction[];
  steps?: FromProfile<Step[] | Skip>;
  teardown?: IdpAction[];
}

/** Identity at run time, typed at write time: every case file is `export default defineCase({...})`. */
export function defineCase(definition: CaseDefinition): CaseDefinition {
  return definition;
}
