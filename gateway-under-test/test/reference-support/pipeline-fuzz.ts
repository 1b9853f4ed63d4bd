import { isUtf8 } from 'node:buffer';
import { constants, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { compactVerify } from 'jose';
import { parseGatewayConfig } from '../../reference/config.ts';
import { createGatewayRuntime, type GatewayRuntime } from '../../reference/gateway-runtime.ts';
import { runPipeline } from '../../reference/pipeline/index.ts';
import { createContext } from '../../reference/pipeline/types.ts';
import type { Reason } from '../../reference/rejection.ts';

/**
 * Property-based mutation fuzzing of the reference pipeline (docs/reliability.md §1), shared by the CI-sized test
 * (`gateway-under-test/test/reference-pipeline-fuzz.test.ts`) and the large run (`scripts/fuzz-pipeline.ts`).
 *
 * A case starts from a genuine token, mutates it at three layers and asks the in-process pipeline
 * (static keys, fixed clock, default cache) for a verdict:
 *  1. JSON members of the header and the payload: values, types, deletions, duplicate members,
 *     Unicode forms (NFC/NFD/NFKC, homoglyphs, zero-width, case) of strings such as `iss` and `aud`,
 *     number spellings, member-name escapes;
 *  2. the encoded JSON bytes: BOM, invalid or overlong UTF-8, UTF-16, trailing data, non-objects;
 *  3. the compact token after signing: character flips, inserts, deletes, truncation, padding,
 *     segment drops, swaps and splices between tokens, unused trailing bits of the signature.
 * The result is signed by a chosen signer: the genuine key for the `kid`, the other genuine key,
 * an attacker key (same `kid`), HMAC keyed with the public key's PEM or an empty secret, or nothing.
 *
 * Equivalence, precisely: a mutated token "is equivalent to a valid one" when the ORACLE below accepts
 * it. The oracle is an independent, spec-level validator written from RFC 7515/7519 and this config,
 * not from the pipeline's code: three base64url segments; header and payload valid UTF-8 JSON objects
 * (duplicate members resolved last-wins, as RFC 7519 §7.2 permits, so a token with duplicates is
 * equivalent to the same token with only the last one kept); `kid` names a published key and `alg` is
 * that key's algorithm; the signature verifies with jose (a different implementation from the
 * gateway's node:crypto path); no `crit`/`b64`/`zip`/`enc`, no nested `cty`; `typ` absent or JWT/at+jwt;
 * `iss` exactly the configured string; `aud` one of the audiences (or a non-empty array of strings
 * containing one); `exp` a finite number after now; `nbf`/`iat` absent or finite numbers not after now;
 * no `cnf`. That covers both sides of the brief: a token with the same signing input bytes and the same
 * signature bytes verifies, and a re-signed token is accepted only when it is valid by construction.
 *
 * The property is one-directional: the gateway accepting ⇒ the oracle accepts. Where the oracle accepts
 * and the gateway refuses (stricter than needed), the case is counted, not failed.
 */

export const FUZZ_NOW_MS = 1_750_000_000_000;
const NOW = FUZZ_NOW_MS / 1000;
export const FUZZ_ISSUER = 'https://login.gatecheck.test/0c1d2e3f-tenant/v2.0';
/** One ASCII audience and one with a precomposed é (NFC), so NFD and homoglyph forms have something to break. */
export const FUZZ_AUDIENCES = ['api://orders', 'api://réseau-commandes'] as const;

interface FuzzKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
  pem: string;
}

function makeKey(kind: 'rsa' | 'ec', kid: string): FuzzKey {
  const pair = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    alg: kind === 'rsa' ? 'RS256' : 'ES256',
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, use: 'sig' },
    pem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Case description (data, so fast-check can shrink and print it)

type Member = [name: string, valueJson: string];

type MemberMutation =
  | { op: 'set'; name: string; value: string }
  | { op: 'delete'; index: number }
  | { op: 'duplicate'; name: string; value: string; atStart: boolean }
  | { op: 'string-form'; index: number; form: StringForm; at: number }
  | { op: 'number-form'; index: number; form: NumberForm }
  | { op: 'wrap-array'; index: number }
  | { op: 'name-form'; index: number; form: 'upper' | 'escape' | 'space' | 'nfd-key' };

type StringForm =
  | 'nfc' | 'nfd' | 'nfkc' | 'homoglyph' | 'upper' | 'lower' | 'trailing-slash' | 'trailing-space'
  | 'zero-width' | 'escape-char' | 'escape-slash' | 'drop-char' | 'fullwidth' | 'nul' | 'prefix-space';
type NumberForm = 'exponent' | 'fraction' | 'plus-one' | 'minus-one' | 'plus-hour' | 'minus-hour' | 'string' | 'negate' | 'huge' | 'zero' | 'negative-zero' | 'half';

type RawForm =
  | { op: 'none' }
  | { op: 'whitespace' }
  | { op: 'bom' }
  | { op: 'invalid-utf8'; at: number; bytes: readonly number[] }
  | { op: 'utf16' }
  | { op: 'trailing'; text: string }
  | { op: 'replace'; text: string };

type Signer =
  | { kind: 'auto' }
  | { kind: 'key'; key: 'k1' | 'ec1' | 'attacker-rsa' | 'attacker-ec'; alg: string }
  | { kind: 'hmac-public-pem'; key: 'k1' | 'ec1'; newline: boolean; alg: 'HS256' | 'HS384' | 'HS512' }
  | { kind: 'hmac-empty' }
  | { kind: 'none' };

type TokenMutation =
  | { op: 'replace-char'; at: number; char: string }
  | { op: 'insert-char'; at: number; char: string }
  | { op: 'delete-char'; at: number }
  | { op: 'flip-case'; at: number }
  | { op: 'truncate'; at: number }
  | { op: 'append'; text: string }
  | { op: 'drop-segment'; segment: number }
  | { op: 'duplicate-segment'; segment: number }
  | { op: 'swap-segments'; a: number; b: number }
  | { op: 'splice'; segment: number; from: number }
  | { op: 'empty-signature' }
  | { op: 'signature-trailing-bits'; bits: number };

export interface FuzzCase {
  base: number;
  header: readonly MemberMutation[];
  payload: readonly MemberMutation[];
  rawHeader: RawForm;
  rawPayload: RawForm;
  signer: Signer;
  token: readonly TokenMutation[];
}

export type FuzzOutcome = 'accepted' | 'rejected-by-both' | 'stricter-than-oracle';

export interface FuzzStats {
  cases: number;
  accepted: number;
  rejectedByBoth: number;
  /** Oracle accepts, gateway refuses: counted by reason; allowed (the property is one-directional). */
  stricterThanOracle: Record<string, number>;
  /** Gateway rejections by reason, to show the mutations reach deep steps, not just the parser. */
  reasons: Record<string, number>;
}

export interface FuzzHarness {
  runtime: GatewayRuntime;
  arbitrary: fc.Arbitrary<FuzzCase>;
  /** Builds the token for a case. */
  build(c: FuzzCase): string;
  /** Gateway verdict (undefined = accepted) for any token string. */
  verdict(token: string): Promise<Reason | undefined>;
  /** Independent validator: see the module comment. */
  oracle(token: string): Promise<boolean>;
  /** One case: throws (with the token) when the gateway accepts what the oracle refuses. */
  check(c: FuzzCase): Promise<FuzzOutcome>;
  /** The unmutated base tokens (each must be accepted: keeps the property from being vacuous). */
  baseTokens(): string[];
  stats: FuzzStats;
  stop(): void;
}

const HEADER_NAMES = ['alg', 'typ', 'kid', 'crit', 'b64', 'zip', 'enc', 'cty', 'jku', 'jwk', 'x5u', 'x5c', 'x5t', 'x5t#S256', '__proto__', 'constructor', 'toString', 'Alg', ''];
const PAYLOAD_NAMES = ['iss', 'aud', 'exp', 'nbf', 'iat', 'sub', 'oid', 'tid', 'azp', 'cnf', 'roles', 'scp', 'jti', '__proto__', 'constructor', 'hasOwnProperty', 'Iss', 'iss ', 'exp\u0000'];

const HOMOGLYPHS: Record<string, string> = {
  a: '\u0430', c: '\u0441', e: '\u0435', o: '\u043e', p: '\u0440', i: '\u0456', s: '\u0455', x: '\u0445', l: '\u04cf', d: '\u0501',
  '/': '\u2215', ':': '\u02d0', '.': '\u2024', '-': '\u2010', é: 'e\u0301',
};

export async function createFuzzHarness(): Promise<FuzzHarness> {
  const k1 = makeKey('rsa', 'k1');
  const ec1 = makeKey('ec', 'ec1');
  const attackerRsa = makeKey('rsa', 'k1');
  const attackerEc = makeKey('ec', 'ec1');
  const keysByName = { k1, ec1, 'attacker-rsa': attackerRsa, 'attacker-ec': attackerEc } as const;
  const published = new Map<string, FuzzKey>([['k1', k1], ['ec1', ec1]]);

  const config = parseGatewayConfig({
    issuers: [{ issuer: FUZZ_ISSUER, keys: [k1.jwk, ec1.jwk], algorithms: ['RS256', 'ES256'] }],
    audiences: [...FUZZ_AUDIENCES],
    routes: [{ path: '/x' }],
    upstream: { url: 'http://127.0.0.1:9' },
    log: { level: 'silent', accessLog: false },
  });
  const runtime = createGatewayRuntime(config, {}, () => FUZZ_NOW_MS);
  await runtime.start();

  // ---- base tokens: both keys × both audiences × typ present/absent × aud as string/array
  interface Base { key: FuzzKey; header: Member[]; payload: Member[] }
  const bases: Base[] = [];
  for (const key of [k1, ec1]) {
    for (const aud of FUZZ_AUDIENCES) {
      for (const variant of [0, 1]) {
        const n = bases.length;
        const header: Member[] = [['alg', q(key.alg)], ['kid', q(key.kid)]];
        if (variant === 0) header.splice(1, 0, ['typ', q('at+jwt')]);
        const payload: Member[] = [
          ['iss', q(FUZZ_ISSUER)],
          ['aud', variant === 0 ? q(aud) : JSON.stringify(['api://other', aud])],
          ['sub', q(`user-${n}`)],
          ['oid', q(`00000000-0000-0000-0000-00000000000${n}`)],
          ['tid', q('0c1d2e3f-tenant')],
          ['azp', q('client-1')],
          ['roles', JSON.stringify(['Orders.Read'])],
          ['iat', String(NOW - 60)],
          ['nbf', String(NOW - 60)],
          ['exp', String(NOW + 3600)],
          ['jti', q(`jti-${n}`)],
        ];
        bases.push({ key, header, payload });
      }
    }
  }
  const baseTokenCache = new Map<number, string>();

  // ---- arbitraries
  const interestingStrings = [
    'RS256', 'ES256', 'none', 'None', 'NONE', 'nOnE', 'HS256', 'RS512', 'PS256', 'EdDSA', 'rs256', 'RS256 ',
    'k1', 'ec1', 'K1', 'k1 ', '../../../../dev/null', "x' UNION SELECT '1';--", '|sleep 10', 'nope',
    'JWT', 'jwt', 'at+jwt', 'AT+JWT', 'application/at+jwt', 'application/jwt', 'id_token+jwt', 'JWE',
    FUZZ_ISSUER, `${FUZZ_ISSUER}/`, FUZZ_ISSUER.toUpperCase(), FUZZ_ISSUER.replace('https', 'http'), FUZZ_ISSUER.replace('.test/', '.test:443/'),
    ...FUZZ_AUDIENCES, 'api://orders/', 'api://orders-admin', 'api://other', FUZZ_AUDIENCES[1].normalize('NFD'),
    'b64', 'exp', 'DEF', 'A256GCM', '', ' ', 'http://127.0.0.1:9/jwks.json',
  ];
  const numberTexts = [
    String(NOW), String(NOW - 1), String(NOW + 1), String(NOW - 3600), String(NOW + 3600), String(NOW + 86400 * 3650),
    '0', '-1', '1e400', '-1e400', '-0', '1.75e9', '1750003600.5', '9007199254740993', '1e-7', '4e9',
  ];
  const jsonText: fc.Arbitrary<string> = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...interestingStrings).map(q) },
    { weight: 3, arbitrary: fc.constantFrom(...numberTexts) },
    { weight: 2, arbitrary: fc.constantFrom('true', 'false', 'null', '[]', '{}', '[null]', '["b64"]', '["exp"]', '["crit-ext"]', '[1]', JSON.stringify([...FUZZ_AUDIENCES]), JSON.stringify([FUZZ_AUDIENCES[0], 1]), JSON.stringify(attackerRsa.jwk), JSON.stringify({ jkt: 'x' }), `"${FUZZ_ISSUER.replaceAll('/', '\\/')}"`) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }).map(q) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
  );
  const memberMutation = (names: string[]): fc.Arbitrary<MemberMutation> =>
    fc.oneof(
      { weight: 3, arbitrary: fc.record({ op: fc.constant('set' as const), name: fc.constantFrom(...names), value: jsonText }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), index: fc.nat(40) }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const), name: fc.constantFrom(...names), value: jsonText, atStart: fc.boolean() }) },
      {
        weight: 3,
        arbitrary: fc.record({
          op: fc.constant('string-form' as const),
          index: fc.nat(40),
          form: fc.constantFrom<StringForm>('nfc', 'nfd', 'nfkc', 'homoglyph', 'upper', 'lower', 'trailing-slash', 'trailing-space', 'zero-width', 'escape-char', 'escape-slash', 'drop-char', 'fullwidth', 'nul', 'prefix-space'),
          at: fc.nat(200),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constant('number-form' as const),
          index: fc.nat(40),
          form: fc.constantFrom<NumberForm>('exponent', 'fraction', 'plus-one', 'minus-one', 'plus-hour', 'minus-hour', 'string', 'negate', 'huge', 'zero', 'negative-zero', 'half'),
        }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap-array' as const), index: fc.nat(40) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('name-form' as const), index: fc.nat(40), form: fc.constantFrom('upper' as const, 'escape' as const, 'space' as const, 'nfd-key' as const) }) },
    );
  const rawForm: fc.Arbitrary<RawForm> = fc.oneof(
    { weight: 20, arbitrary: fc.constant({ op: 'none' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'whitespace' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'bom' as const }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('invalid-utf8' as const), at: fc.nat(400), bytes: fc.constantFrom([0xff], [0xc0, 0xaf], [0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x00]) }) },
    { weight: 1, arbitrary: fc.constant({ op: 'utf16' as const }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('trailing' as const), text: fc.constantFrom('x', '{}', ',', ' {"alg":"none"}', '\u0000', '//') }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('replace' as const), text: fc.constantFrom('[]', '"x"', '1', 'null', 'true', '', '{', '[{"alg":"RS256"}]') }) },
  );
  const signer: fc.Arbitrary<Signer> = fc.oneof(
    { weight: 12, arbitrary: fc.constant({ kind: 'auto' as const }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('key' as const), key: fc.constantFrom('k1' as const, 'ec1' as const, 'attacker-rsa' as const, 'attacker-ec' as const), alg: fc.constantFrom('RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384') }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('hmac-public-pem' as const), key: fc.constantFrom('k1' as const, 'ec1' as const), newline: fc.boolean(), alg: fc.constantFrom('HS256' as const, 'HS384' as const, 'HS512' as const) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'hmac-empty' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  );
  const tokenChar = fc.constantFrom(...'AQgw_-09azAZ.=+/ %\t~!'.split(''));
  const tokenMutation: fc.Arbitrary<TokenMutation> = fc.oneof(
    fc.record({ op: fc.constant('replace-char' as const), at: fc.nat(4000), char: tokenChar }),
    fc.record({ op: fc.constant('insert-char' as const), at: fc.nat(4000), char: tokenChar }),
    fc.record({ op: fc.constant('delete-char' as const), at: fc.nat(4000) }),
    fc.record({ op: fc.constant('flip-case' as const), at: fc.nat(4000) }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat(4000) }),
    fc.record({ op: fc.constant('append' as const), text: fc.constantFrom('=', '==', '.', '.x', '.e30', 'A', '%2E') }),
    fc.record({ op: fc.constant('drop-segment' as const), segment: fc.nat(2) }),
    fc.record({ op: fc.constant('duplicate-segment' as const), segment: fc.nat(2) }),
    fc.record({ op: fc.constant('swap-segments' as const), a: fc.nat(2), b: fc.nat(2) }),
    fc.record({ op: fc.constant('splice' as const), segment: fc.nat(2), from: fc.nat(bases.length - 1) }),
    fc.constant({ op: 'empty-signature' as const }),
    fc.record({ op: fc.constant('signature-trailing-bits' as const), bits: fc.integer({ min: 1, max: 15 }) }),
  );
  // Each layer is often untouched, so single-layer mutations (pure bit flips, pure claim changes) are common.
  const arbitrary: fc.Arbitrary<FuzzCase> = fc.record({
    base: fc.nat(bases.length - 1),
    header: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(memberMutation(HEADER_NAMES), { minLength: 1, maxLength: 3 }) }),
    payload: fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(memberMutation(PAYLOAD_NAMES), { minLength: 1, maxLength: 3 }) }),
    rawHeader: rawForm,
    rawPayload: rawForm,
    signer,
    token: fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(tokenMutation, { minLength: 1, maxLength: 2 }) }),
  });

  // ---- building
  function signWith(s: Signer, header: Record<string, unknown> | null, input: string): string {
    const data = Buffer.from(input, 'latin1');
    let key: FuzzKey;
    let alg: string;
    if (s.kind === 'none') return '';
    if (s.kind === 'hmac-empty') return createHmac('sha256', Buffer.alloc(0)).update(data).digest('base64url');
    if (s.kind === 'hmac-public-pem') {
      const pem = keysByName[s.key].pem;
      return createHmac(`sha${s.alg.slice(2)}`, s.newline ? pem : pem.trimEnd()).update(data).digest('base64url');
    }
    if (s.kind === 'auto') {
      // The genuine key the header names (k1 when it names none), with the header's alg when that key can make it.
      const kid = header && typeof header.kid === 'string' ? header.kid : 'k1';
      key = published.get(kid) ?? k1;
      alg = header && typeof header.alg === 'string' ? header.alg : key.alg;
    } else {
      key = keysByName[s.key];
      alg = s.alg;
    }
    return rawSignature(key, alg, data).toString('base64url');
  }

  function build(c: FuzzCase): string {
    const base = bases[c.base];
    if (c.header.length === 0 && c.payload.length === 0 && c.rawHeader.op === 'none' && c.rawPayload.op === 'none' && c.signer.kind === 'auto' && c.token.length === 0) {
      return baseToken(c.base);
    }
    const headerMembers = applyMembers(base.header, c.header);
    const payloadMembers = applyMembers(base.payload, c.payload);
    const h = encodeSegment(serialise(headerMembers), c.rawHeader);
    const p = encodeSegment(serialise(payloadMembers), c.rawPayload);
    const input = `${h}.${p}`;
    const header = parseLoose(serialise(headerMembers));
    let token = `${input}.${signWith(c.signer, header, input)}`;
    for (const m of c.token) token = mutateToken(token, m, (i) => baseToken(i));
    return token;
  }

  function baseToken(i: number): string {
    let t = baseTokenCache.get(i);
    if (!t) {
      const b = bases[i];
      const input = `${b64(serialise(b.header))}.${b64(serialise(b.payload))}`;
      t = `${input}.${rawSignature(b.key, b.key.alg, Buffer.from(input)).toString('base64url')}`;
      baseTokenCache.set(i, t);
    }
    return t;
  }

  async function verdict(token: string): Promise<Reason | undefined> {
    const ctx = createContext({ method: 'GET', authorization: [`Bearer ${token}`], query: '', formBody: null }, null, FUZZ_NOW_MS);
    return runPipeline(ctx, runtime.env);
  }

  async function oracle(token: string): Promise<boolean> {
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return false;
    const [hs, ps] = token.split('.');
    const header = strictObject(Buffer.from(hs, 'base64url'));
    const payload = strictObject(Buffer.from(ps, 'base64url'));
    if (!header || !payload) return false;
    // Header: key by kid, alg fixed by the key, nothing this gateway can't honour.
    if (typeof header.kid !== 'string' || !published.has(header.kid)) return false;
    const key = published.get(header.kid)!;
    if (header.alg !== key.alg) return false;
    if ('crit' in header || 'b64' in header || 'zip' in header || 'enc' in header) return false;
    if (header.cty !== undefined && (typeof header.cty !== 'string' || /^(application\/)?jwt$/i.test(header.cty))) return false;
    if (header.typ !== undefined) {
      if (typeof header.typ !== 'string') return false;
      const t = header.typ.toLowerCase().replace(/^application\//, '');
      if (t !== 'jwt' && t !== 'at+jwt') return false;
    }
    // Signature: jose, a different implementation from the gateway's.
    try {
      await compactVerify(token, key.publicKey, { algorithms: [key.alg] });
    } catch {
      return false;
    }
    // Claims (RFC 7519 §4.1, the config's defaults: skew 0, exp required, future iat refused, cnf refused).
    if (payload.iss !== FUZZ_ISSUER) return false;
    const aud = payload.aud;
    const audiences: readonly string[] = FUZZ_AUDIENCES;
    if (typeof aud === 'string') {
      if (!audiences.includes(aud)) return false;
    } else if (!Array.isArray(aud) || aud.length === 0 || !aud.every((a) => typeof a === 'string') || !aud.some((a) => audiences.includes(a))) {
      return false;
    }
    const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    if (!finite(payload.exp) || !(NOW < payload.exp)) return false;
    if (payload.nbf !== undefined && (!finite(payload.nbf) || payload.nbf > NOW)) return false;
    if (payload.iat !== undefined && (!finite(payload.iat) || payload.iat > NOW)) return false;
    if (payload.cnf !== undefined) return false;
    return true;
  }

  const stats: FuzzStats = { cases: 0, accepted: 0, rejectedByBoth: 0, stricterThanOracle: {}, reasons: {} };

  async function check(c: FuzzCase): Promise<FuzzOutcome> {
    const token = build(c);
    stats.cases++;
    const reason = await verdict(token);
    if (reason === undefined) {
      if (!(await oracle(token))) {
        throw new Error(`FALSE ACCEPT: the pipeline accepted a token the oracle refuses\n${token}\nheader ${show(token, 0)}\npayload ${show(token, 1)}`);
      }
      stats.accepted++;
      return 'accepted';
    }
    stats.reasons[reason] = (stats.reasons[reason] ?? 0) + 1;
    if (await oracle(token)) {
      stats.stricterThanOracle[reason] = (stats.stricterThanOracle[reason] ?? 0) + 1;
      return 'stricter-than-oracle';
    }
    stats.rejectedByBoth++;
    return 'rejected-by-both';
  }

  return {
    runtime,
    arbitrary,
    build,
    verdict,
    oracle,
    check,
    baseTokens: () => bases.map((_, i) => baseToken(i)),
    stats,
    stop: () => runtime.stop(),
  };
}

// ---------------------------------------------------------------------------------------------

function q(s: string): string {
  return JSON.stringify(s);
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function serialise(members: Member[]): string {
  return `{${members.map(([n, v]) => `${n.startsWith('\u0001') ? n.slice(1) : JSON.stringify(n)}:${v}`).join(',')}}`;
}

function parseLoose(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Valid UTF-8 (checked with node:buffer's isUtf8, not the gateway's TextDecoder) holding one JSON object. */
function strictObject(bytes: Buffer): Record<string, unknown> | null {
  if (!isUtf8(bytes)) return null;
  return parseLoose(bytes.toString('utf8'));
}

function show(token: string, i: number): string {
  const s = token.split('.')[i];
  return s === undefined ? '(none)' : JSON.stringify(Buffer.from(s, 'base64url').toString('latin1'));
}

function rawSignature(key: FuzzKey, alg: string, data: Buffer): Buffer {
  const bits = /(256|384|512)$/.exec(alg)?.[1] ?? '256';
  const digest = `sha${bits}`;
  const rsa = key.alg === 'RS256';
  if (rsa && alg.startsWith('PS')) return sign(digest, data, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  if (rsa) return sign(digest, data, key.privateKey);
  return sign(digest, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
}

function applyMembers(start: Member[], mutations: readonly MemberMutation[]): Member[] {
  const members = start.map((m) => [...m] as Member);
  for (const m of mutations) {
    const target = members.length === 0 ? undefined : members[('index' in m ? m.index : 0) % members.length];
    switch (m.op) {
      case 'set': {
        const i = members.findIndex(([n]) => n === m.name);
        if (i === -1) members.push([m.name, m.value]);
        else members[i][1] = m.value;
        break;
      }
      case 'delete':
        if (members.length > 0) members.splice(m.index % members.length, 1);
        break;
      case 'duplicate':
        if (m.atStart) members.unshift([m.name, m.value]);
        else members.push([m.name, m.value]);
        break;
      case 'string-form': {
        if (!target) break;
        const v = parseValue(target[1]);
        if (typeof v === 'string') target[1] = stringForm(v, m.form, m.at);
        else if (Array.isArray(v) && v.length > 0 && typeof v[m.at % v.length] === 'string') {
          const copy = [...v];
          const text = stringForm(copy[m.at % v.length] as string, m.form, m.at);
          target[1] = `[${copy.map((e, j) => (j === m.at % v.length ? text : JSON.stringify(e))).join(',')}]`;
        }
        break;
      }
      case 'number-form': {
        if (!target) break;
        const v = parseValue(target[1]);
        if (typeof v === 'number') target[1] = numberForm(v, target[1], m.form);
        break;
      }
      case 'wrap-array':
        if (target) target[1] = `[${target[1]}]`;
        break;
      case 'name-form':
        if (!target) break;
        if (m.form === 'upper') target[0] = target[0].toUpperCase();
        else if (m.form === 'space') target[0] = `${target[0]} `;
        else if (m.form === 'nfd-key') target[0] = `${target[0]}\u0301`;
        // An escaped member name is the same name after parsing: equivalent, and the oracle agrees.
        else if (target[0].length > 0) target[0] = `\u0001"\\u${target[0].charCodeAt(0).toString(16).padStart(4, '0')}${JSON.stringify(target[0]).slice(2)}`;
        break;
    }
  }
  return members;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringForm(v: string, form: StringForm, at: number): string {
  const i = v.length === 0 ? 0 : at % v.length;
  switch (form) {
    case 'nfc': return q(v.normalize('NFC'));
    case 'nfd': return q(v.normalize('NFD'));
    case 'nfkc': return q(v.normalize('NFKC'));
    case 'homoglyph': {
      // Replace the first character at or after `at` that has a look-alike.
      for (let k = 0; k < v.length; k++) {
        const j = (i + k) % v.length;
        const h = HOMOGLYPHS[v[j]];
        if (h) return q(v.slice(0, j) + h + v.slice(j + 1));
      }
      return q(v);
    }
    case 'upper': return q(v.toUpperCase());
    case 'lower': return q(v.toLowerCase());
    case 'trailing-slash': return q(`${v}/`);
    case 'trailing-space': return q(`${v} `);
    case 'prefix-space': return q(` ${v}`);
    case 'zero-width': return q(`${v.slice(0, i)}\u200b${v.slice(i)}`);
    case 'fullwidth': return q(v.replace(/[!-~]/, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)));
    case 'nul': return q(`${v}\u0000`);
    case 'drop-char': return q(v.slice(0, i) + v.slice(i + 1));
    // Same string after JSON parsing: equivalent by construction.
    case 'escape-char': {
      const c = v[i];
      if (c === undefined) return q(v);
      const inner = (t: string) => JSON.stringify(t).slice(1, -1);
      return `"${inner(v.slice(0, i))}\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}${inner(v.slice(i + 1))}"`;
    }
    case 'escape-slash': return JSON.stringify(v).replaceAll('/', '\\/');
  }
}

function numberForm(v: number, text: string, form: NumberForm): string {
  switch (form) {
    case 'exponent': return v.toExponential();
    case 'fraction': return `${text}.0`;
    case 'plus-one': return String(v + 1);
    case 'minus-one': return String(v - 1);
    case 'plus-hour': return String(v + 3600);
    case 'minus-hour': return String(v - 3600);
    case 'string': return q(text);
    case 'negate': return String(-v);
    case 'huge': return '1e400';
    case 'zero': return '0';
    case 'negative-zero': return '-0';
    case 'half': return String(v + 0.5);
  }
}

function encodeSegment(json: string, raw: RawForm): string {
  let bytes: Buffer;
  switch (raw.op) {
    case 'none': bytes = Buffer.from(json, 'utf8'); break;
    case 'whitespace': bytes = Buffer.from(` \n\t${json.replaceAll(',', ' ,\r\n ')} `, 'utf8'); break;
    case 'bom': bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json, 'utf8')]); break;
    case 'invalid-utf8': {
      const b = Buffer.from(json, 'utf8');
      const at = raw.at % (b.length + 1);
      bytes = Buffer.concat([b.subarray(0, at), Buffer.from(raw.bytes), b.subarray(at)]);
      break;
    }
    case 'utf16': bytes = Buffer.from(json, 'utf16le'); break;
    case 'trailing': bytes = Buffer.from(json + raw.text, 'utf8'); break;
    case 'replace': bytes = Buffer.from(raw.text, 'utf8'); break;
  }
  return bytes.toString('base64url');
}

function mutateToken(token: string, m: TokenMutation, baseToken: (i: number) => string): string {
  const at = (n: number) => (token.length === 0 ? 0 : n % token.length);
  const segments = token.split('.');
  switch (m.op) {
    case 'replace-char': return token.slice(0, at(m.at)) + m.char + token.slice(at(m.at) + 1);
    case 'insert-char': return token.slice(0, at(m.at)) + m.char + token.slice(at(m.at));
    case 'delete-char': return token.slice(0, at(m.at)) + token.slice(at(m.at) + 1);
    case 'flip-case': {
      const c = token[at(m.at)] ?? '';
      const f = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      return token.slice(0, at(m.at)) + f + token.slice(at(m.at) + 1);
    }
    case 'truncate': return token.slice(0, at(m.at));
    case 'append': return token + m.text;
    case 'drop-segment': return segments.filter((_, i) => i !== m.segment % segments.length).join('.');
    case 'duplicate-segment': {
      const i = m.segment % segments.length;
      return [...segments.slice(0, i + 1), segments[i], ...segments.slice(i + 1)].join('.');
    }
    case 'swap-segments': {
      const s = [...segments];
      const a = m.a % s.length;
      const b = m.b % s.length;
      [s[a], s[b]] = [s[b], s[a]];
      return s.join('.');
    }
    case 'splice': {
      const other = baseToken(m.from).split('.');
      const s = [...segments];
      const i = m.segment % 3;
      if (i < s.length) s[i] = other[i];
      return s.join('.');
    }
    case 'empty-signature': return `${segments.slice(0, 2).join('.')}.`;
    case 'signature-trailing-bits': {
      // Flips bits of the last base64url character. For RS256 (342 chars, 4 unused bits) and ES256
      // (86 chars, 2 unused bits) some flips only touch unused bits: same signature bytes, a different
      // string. The oracle decides whether the result still carries the genuine signature.
      const sig = segments[2] ?? '';
      if (sig.length === 0) return token;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const idx = alphabet.indexOf(sig[sig.length - 1]);
      if (idx === -1) return token;
      return `${segments.slice(0, 2).join('.')}.${sig.slice(0, -1)}${alphabet[(idx ^ m.bits) & 63]}${segments.length > 3 ? `.${segments.slice(3).join('.')}` : ''}`;
    }
  }
}
