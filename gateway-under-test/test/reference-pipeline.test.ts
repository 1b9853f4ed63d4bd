import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig, type GatewayConfigInput } from '../reference/config.ts';
import { createGatewayRuntime, type GatewayRuntime } from '../reference/gateway-runtime.ts';
import { PIPELINE, runPipeline } from '../reference/pipeline/index.ts';
import { createContext, type CompiledRequirement } from '../reference/pipeline/types.ts';
import { ecKey, edKey, nowSeconds, rsaKey, signJws, type TestKey } from './reference-support/key-fixture.ts';
import { startJwksServer, type JwksServer } from './reference-support/jwks-server.ts';

const AUD = 'api://orders';
const k1 = rsaKey('k1');
const k2 = rsaKey('k2');
const ec = ecKey('ec1');
const ed = edKey('ed1');
const attacker = rsaKey('k1');

let idp: JwksServer;
const runtimes: GatewayRuntime[] = [];

beforeAll(async () => {
  idp = await startJwksServer([k1.jwk, ec.jwk, ed.jwk]);
});
afterAll(async () => {
  for (const r of runtimes) r.stop();
  await idp.close();
});

async function runtime(overrides: Partial<GatewayConfigInput> = {}, issuer: Record<string, unknown> = {}): Promise<GatewayRuntime> {
  const config = parseGatewayConfig({
    issuers: [{ issuer: idp.issuer, jwksUri: idp.jwksUri, algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'], ...issuer }],
    audiences: [AUD],
    routes: [{ path: '/x' }],
    upstream: { url: 'http://127.0.0.1:9' },
    log: { level: 'silent', accessLog: false },
    ...overrides,
  });
  const rt = createGatewayRuntime(config);
  runtimes.push(rt);
  await rt.start();
  return rt;
}

let base: GatewayRuntime;
beforeAll(async () => {
  base = await runtime();
});

function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return { iss: idp.issuer, aud: AUD, sub: 'alice', oid: 'oid-alice', tid: 't1', roles: ['Orders.Read'], iat: now, nbf: now, exp: now + 600, ...extra };
}

function token(payload: Record<string, unknown> = claims(), header: Record<string, unknown> = {}, key: TestKey = k1): string {
  return signJws({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header }, payload, key);
}

interface RunOptions {
  authorization?: string[];
  query?: string;
  formBody?: string | null;
  method?: string;
  requirement?: CompiledRequirement | null;
  nowMs?: number;
}

async function run(rt: GatewayRuntime, tok: string | null, o: RunOptions = {}) {
  const ctx = createContext(
    {
      method: o.method ?? 'GET',
      authorization: o.authorization ?? (tok === null ? [] : [`Bearer ${tok}`]),
      query: o.query ?? '',
      formBody: o.formBody ?? null,
    },
    o.requirement ?? null,
    o.nowMs ?? Date.now(),
  );
  const reason = await runPipeline(ctx, rt.env);
  return { reason, ctx };
}

const reasonOf = async (tok: string | null, o: RunOptions = {}, rt = base) => (await run(rt, tok, o)).reason;

describe('pipeline table', () => {
  it('orders the steps so issuer and algorithm are checked before any key lookup, and the signature before claims (RFC 8725 §3.1)', () => {
    const names = PIPELINE.map((s) => s.name);
    expect(names.indexOf('check-algorithm')).toBeLessThan(names.indexOf('select-key'));
    expect(names.indexOf('resolve-issuer')).toBeLessThan(names.indexOf('check-algorithm'));
    expect(names.indexOf('check-token-size')).toBeLessThan(names.indexOf('parse-compact-jws'));
    expect(names.indexOf('verify-signature')).toBeLessThan(names.indexOf('check-audience'));
    expect(names.at(-1)).toBe('authorize-route');
    expect(PIPELINE.find((s) => s.name === 'check-expiry')!.cacheable).toBe(false);
  });

  it('accepts a genuine RS256 token and records the verifying key', async () => {
    const { reason, ctx } = await run(base, token());
    expect(reason).toBeUndefined();
    expect(ctx.key?.kid).toBe('k1');
    expect(ctx.verified?.upstreamHeaders).toEqual(['X-User-Id', 'oid-alice', 'X-Tenant-Id', 't1', 'X-Roles', 'Orders.Read']);
  });
});

describe('extract-bearer', () => {
  it('rejects a request without credentials with a bare challenge reason (RFC 6750 §3)', async () => {
    expect(await reasonOf(null)).toBe('missing_token');
  });
  it('accepts the scheme in any letter case (RFC 9110 §11.1)', async () => {
    const t = token();
    expect(await reasonOf(null, { authorization: [`bearer ${t}`] })).toBeUndefined();
    expect(await reasonOf(null, { authorization: [`BEARER ${t}`] })).toBeUndefined();
  });
  it('accepts several spaces after the scheme (RFC 6750 §2.1 1*SP)', async () => {
    expect(await reasonOf(null, { authorization: [`Bearer   ${token()}`] })).toBeUndefined();
  });
  it('rejects a tab after the scheme as a malformed request (RFC 6750 §2.1)', async () => {
    expect(await reasonOf(null, { authorization: [`Bearer\t${token()}`] })).toBe('malformed_authorization');
  });
  it('treats another scheme as missing bearer credentials (RFC 6750 §3)', async () => {
    expect(await reasonOf(null, { authorization: [`Basic ${token()}`] })).toBe('unsupported_scheme');
    expect(await reasonOf(null, { authorization: [token()] })).toBe('unsupported_scheme');
  });
  it('rejects a scheme without a token as a malformed request (RFC 6750 §3.1)', async () => {
    expect(await reasonOf(null, { authorization: ['Bearer'] })).toBe('malformed_authorization');
  });
  it('rejects two Authorization headers as invalid_request (RFC 6750 §3.1 repeats a parameter)', async () => {
    const t = token();
    expect(await reasonOf(null, { authorization: [`Bearer ${t}`, `Bearer ${t}`] })).toBe('multiple_tokens');
  });
  it('rejects a header token plus a query token as two methods even when query tokens are disabled (RFC 6750 §2)', async () => {
    const t = token();
    expect(await reasonOf(t, { query: `access_token=${t}` })).toBe('multiple_methods');
  });
  it('ignores nothing silently: a query token is refused when query tokens are disabled (RFC 6750 §2.3)', async () => {
    expect(await reasonOf(null, { query: `access_token=${token()}` })).toBe('token_location_disabled');
  });
  it('accepts a query token when enabled and rejects a duplicated access_token parameter (RFC 6750 §3.1)', async () => {
    const rt = await runtime({ token: { locations: { query: true } } });
    const t = token();
    expect(await reasonOf(null, { query: `a=1&access_token=${t}` }, rt)).toBeUndefined();
    expect(await reasonOf(null, { query: `access_token=${t}&access_token=${t}` }, rt)).toBe('multiple_tokens');
  });
  it('takes a form-body token on POST only when enabled, never on GET (RFC 6750 §2.2)', async () => {
    const rt = await runtime({ token: { locations: { body: true } } });
    const t = token();
    expect(await reasonOf(null, { method: 'POST', formBody: `access_token=${t}` }, rt)).toBeUndefined();
    expect(await reasonOf(null, { method: 'GET', formBody: `access_token=${t}` }, rt)).toBe('missing_token');
    expect(await reasonOf(null, { method: 'POST', formBody: `access_token=${t}` })).toBe('missing_token');
  });
});

describe('check-token-size', () => {
  it('rejects a token over maxTokenBytes before parsing it (CVE-2025-30204, catalogue A16)', async () => {
    expect(await reasonOf('.'.repeat(9000))).toBe('token_too_large');
    expect(await reasonOf(token(claims({ pad: 'x'.repeat(9000) })))).toBe('token_too_large');
  });
});

describe('parse-compact-jws', () => {
  const t = () => token();
  it.each([
    ['two segments', (s: string) => s.split('.').slice(0, 2).join('.')],
    ['four segments', (s: string) => `${s}.${s.split('.')[2]}`],
    ['empty signature', (s: string) => s.replace(/\.[^.]+$/, '.')],
    ['empty header', (s: string) => s.replace(/^[^.]+/, '')],
    ['empty payload', (s: string) => s.replace(/\.[^.]+\./, '..')],
    ['five segments (JWE shape)', (s: string) => `${s}.${s.split('.')[2]}.${s.split('.')[2]}`],
  ])('rejects %s (RFC 7519 §7.2 step 1)', async (_name, mutate) => {
    expect(await reasonOf(mutate(t()))).toBe('malformed_token');
  });
  it('rejects padding and characters outside base64url (RFC 7515 §2)', async () => {
    const [h, p, s] = t().split('.');
    expect(await reasonOf(`${h}.${p}=.${s}`)).toBe('malformed_token');
    expect(await reasonOf(`${h}.${p.slice(0, 4)}+/${p.slice(6)}.${s}`)).toBe('malformed_token');
  });
  it.each([['[]'], ['"x"'], ['1'], ['null']])('rejects a payload that is JSON %s, not an object (RFC 7519 §7.2 step 10)', async (json) => {
    const [h, , s] = t().split('.');
    expect(await reasonOf(`${h}.${Buffer.from(json).toString('base64url')}.${s}`)).toBe('malformed_token');
  });
  it('rejects a header that is not valid UTF-8 (RFC 7515 §5.2)', async () => {
    const [, p, s] = t().split('.');
    const bad = Buffer.concat([Buffer.from('{"alg":"RS256","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]).toString('base64url');
    expect(await reasonOf(`${bad}.${p}.${s}`)).toBe('malformed_token');
  });
});

describe('resolve-issuer', () => {
  it('rejects a foreign issuer (RFC 8725 §3.8)', async () => {
    expect(await reasonOf(token(claims({ iss: 'https://evil.example/v2.0' })))).toBe('issuer_not_allowed');
  });
  it('rejects an issuer with a trailing slash or another case: exact match only (RFC 9068 §4, RFC 7519 §4.1.1)', async () => {
    expect(await reasonOf(token(claims({ iss: `${idp.issuer}/` })))).toBe('issuer_not_allowed');
    expect(await reasonOf(token(claims({ iss: idp.issuer.toUpperCase() })))).toBe('issuer_not_allowed');
  });
  it('rejects a missing issuer and a non-string issuer (RFC 7519 §4.1.1)', async () => {
    const { iss: _iss, ...rest } = claims();
    expect(await reasonOf(token(rest))).toBe('issuer_missing');
    expect(await reasonOf(token(claims({ iss: [idp.issuer] })))).toBe('claim_invalid');
  });
  it('accepts an allow-listed tenant of a {tenantid} issuer and rejects others, or a tid that disagrees (catalogue E22)', async () => {
    const template = idp.issuer.replace('/tenant/', '/{tenantid}/');
    const rt = await runtime({}, { issuer: template, tenants: ['t1'] });
    const iss = (tenant: string) => template.replace('{tenantid}', tenant);
    expect(await reasonOf(token(claims({ iss: iss('t1'), tid: 't1' })), {}, rt)).toBeUndefined();
    expect(await reasonOf(token(claims({ iss: iss('t2'), tid: 't2' })), {}, rt)).toBe('tenant_not_allowed');
    expect(await reasonOf(token(claims({ iss: iss('t1'), tid: 't2' })), {}, rt)).toBe('tenant_not_allowed');
  });
  it('refuses at start-up "any tenant" with a per-tenant key source, whose keys could never be fetched (every token would be a 500)', () => {
    const input = (tenants: string[]) => ({
      issuers: [{ issuer: 'https://idp.example/{tenantid}/v2.0', tenants, discoveryUrl: 'https://idp.example/{tenantid}/v2.0/.well-known/openid-configuration' }],
      audiences: [AUD],
      routes: [{ path: '/x' }],
      upstream: { url: 'http://127.0.0.1:9' },
    });
    expect(() => parseGatewayConfig(input(['*']))).toThrow(/^config issuers\.0\.tenants: /);
    expect(() => parseGatewayConfig(input(['t1', 't2']))).not.toThrow();
    expect(() => parseGatewayConfig({ ...input(['*']), issuers: [{ ...input(['*']).issuers[0], discoveryUrl: 'https://idp.example/common/v2.0/.well-known/openid-configuration' }] })).not.toThrow();
  });
});

describe('check-algorithm', () => {
  it.each([['none'], ['None'], ['NONE'], ['nOnE']])('rejects alg %s before any key lookup (RFC 8725 §2.1, CVE-2015-2951)', async (alg) => {
    const [, p] = token().split('.');
    const h = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
    const { reason, ctx } = await run(base, `${h}.${p}.AAAA`);
    expect(reason).toBe('algorithm_not_allowed');
    expect(ctx.candidates).toEqual([]);
  });
  it('rejects HS256 signed with the RSA public key as secret (RS→HS key confusion, CVE-2015-9235)', async () => {
    const { createHmac } = await import('node:crypto');
    const pem = k1.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'k1' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}`;
    const sig = createHmac('sha256', pem).update(input).digest('base64url');
    expect(await reasonOf(`${input}.${sig}`)).toBe('algorithm_not_allowed');
  });
  it('rejects a valid signature with an algorithm not on the allow-list (RFC 8725 §3.1, catalogue B09)', async () => {
    const rt = await runtime({}, { algorithms: ['RS256'] });
    expect(await reasonOf(token(claims(), { alg: 'PS256' }), {}, rt)).toBe('algorithm_not_allowed');
  });
  it('rejects a missing or non-string alg (catalogue B04)', async () => {
    expect(await reasonOf(token(claims(), { alg: undefined }))).toBe('algorithm_not_allowed');
    expect(await reasonOf(signJws({ alg: ['RS256'], kid: 'k1' }, claims(), k1, 'RS256'))).toBe('algorithm_not_allowed');
  });
});

describe('check-header-parameters', () => {
  it('rejects crit naming an extension the gateway does not understand (RFC 7515 §4.1.11)', async () => {
    expect(await reasonOf(token(claims(), { crit: ['exp-ext'], 'exp-ext': 1 }))).toBe('critical_header_not_understood');
  });
  it('accepts crit naming an understood extension that is present, and rejects registered names in crit (RFC 7515 §4.1.11)', async () => {
    const rt = await runtime({ token: { understoodCritical: ['tenant-ext'] } });
    expect(await reasonOf(token(claims(), { crit: ['tenant-ext'], 'tenant-ext': 1 }), {}, rt)).toBeUndefined();
    expect(await reasonOf(token(claims(), { crit: ['tenant-ext'] }), {}, rt)).toBe('critical_header_not_understood');
    expect(await reasonOf(token(claims(), { crit: ['alg'] }), {}, rt)).toBe('critical_header_not_understood');
  });
  it('rejects b64 false: JWTs must not use unencoded payloads (RFC 7797 §7)', async () => {
    expect(await reasonOf(token(claims(), { b64: false, crit: ['b64'] }))).toBe('critical_header_not_understood');
    expect(await reasonOf(token(claims(), { b64: false }))).toBe('unsupported_header');
  });
  it('rejects nested tokens (cty JWT) instead of trusting an inner token (RFC 7519 §5.2, RFC 8725 §3.3)', async () => {
    expect(await reasonOf(token(claims(), { cty: 'JWT' }))).toBe('unsupported_header');
  });
  it('rejects a kid that is not a string (catalogue C09)', async () => {
    expect(await reasonOf(token(claims(), { kid: 123 }))).toBe('malformed_token');
  });
  it('never trusts an embedded jwk, x5c, jku or x5u: an attacker key with them still fails (RFC 8725 §3.10, CVE-2018-0114)', async () => {
    const evil = rsaKey('evil');
    const before = idp.jwksFetches;
    const forged = signJws({ alg: 'RS256', kid: 'evil', jwk: evil.jwk, jku: 'http://127.0.0.1:9/jwks', x5u: 'http://127.0.0.1:9/c', x5c: ['MIIB'] }, claims(), evil);
    const rt = await runtime({ jwks: { unknownKidCooldownSeconds: 3600 } });
    expect(await reasonOf(forged, {}, rt)).toBe('key_not_found');
    expect(idp.jwksFetches - before).toBe(1); // only rt's own warm-up fetch
  });
});

describe('check-type', () => {
  it('accepts JWT and at+jwt in any case and with the application/ prefix (RFC 7515 §4.1.9, RFC 9068 §4)', async () => {
    for (const typ of ['JWT', 'jwt', 'at+jwt', 'AT+JWT', 'application/at+jwt']) expect(await reasonOf(token(claims(), { typ }))).toBeUndefined();
  });
  it('rejects other types, and a missing typ when required (RFC 9068 §4 step 1, RFC 8725 §3.11)', async () => {
    expect(await reasonOf(token(claims(), { typ: 'id_token+jwt' }))).toBe('type_not_allowed');
    const rt = await runtime({ token: { types: ['at+jwt'], requireType: true } });
    expect(await reasonOf(token(claims(), { typ: undefined }), {}, rt)).toBe('type_not_allowed');
    expect(await reasonOf(token(claims(), { typ: 'JWT' }), {}, rt)).toBe('type_not_allowed');
    expect(await reasonOf(token(claims(), { typ: 'at+jwt' }), {}, rt)).toBeUndefined();
  });
});

describe('select-key', () => {
  it('rejects an unknown kid (catalogue C10)', async () => {
    expect(await reasonOf(token(claims(), { kid: 'nope' }))).toBe('key_not_found');
  });
  it('tries the only key when kid is absent and the JWKS has one key (OIDF kid-absent-single-jwks)', async () => {
    const one = await startJwksServer([k2.jwk]);
    try {
      const rt = await runtime({}, { jwksUri: one.jwksUri });
      expect(await reasonOf(token(claims(), { kid: undefined }, k2), {}, rt)).toBeUndefined();
    } finally {
      await one.close();
    }
  });
  it('rejects a missing kid with several keys by default, and tries each fitting key with kidAbsent try-all (OIDF kid-absent-multiple-jwks)', async () => {
    expect(await reasonOf(token(claims(), { kid: undefined }))).toBe('kid_missing');
    const rt = await runtime({ token: { kidAbsent: 'try-all' } });
    expect(await reasonOf(token(claims(), { kid: undefined }), {}, rt)).toBeUndefined();
    expect(await reasonOf(token(claims(), { kid: undefined }, attacker), {}, rt)).toBe('signature_invalid');
  });
  it("respects the JWK's own alg (RFC 7517 §4.4)", async () => {
    const pinned = await startJwksServer([{ ...k2.jwk, alg: 'PS256' }]);
    try {
      const rt = await runtime({}, { jwksUri: pinned.jwksUri });
      expect(await reasonOf(token(claims(), {}, k2), {}, rt)).toBe('key_algorithm_mismatch');
      expect(await reasonOf(token(claims(), { alg: 'PS256' }, k2), {}, rt)).toBeUndefined();
    } finally {
      await pinned.close();
    }
  });
  it('rejects an algorithm that does not fit the key type, e.g. ES256 with an RSA kid (RFC 8725 §3.1)', async () => {
    expect(await reasonOf(signJws({ alg: 'ES256', kid: 'k1' }, claims(), ec))).toBe('key_algorithm_mismatch');
  });
  it("checks Entra's per-key issuer member against the token's tenant", async () => {
    const template = idp.issuer.replace('/tenant/', '/{tenantid}/');
    const keyed = await startJwksServer([{ ...k2.jwk, issuer: template.replace('{tenantid}', 't1') }]);
    try {
      const rt = await runtime({}, { issuer: template, tenants: ['t1', 't2'], jwksUri: keyed.jwksUri });
      const iss = (t: string) => template.replace('{tenantid}', t);
      expect(await reasonOf(token(claims({ iss: iss('t1'), tid: 't1' }), {}, k2), {}, rt)).toBeUndefined();
      expect(await reasonOf(token(claims({ iss: iss('t2'), tid: 't2' }), {}, k2), {}, rt)).toBe('key_issuer_mismatch');
    } finally {
      await keyed.close();
    }
  });
  it('fails closed with keys_unavailable when the IdP never answered (catalogue H01)', async () => {
    const down = await startJwksServer([k1.jwk]);
    down.mode = 'down';
    try {
      const rt = await runtime({}, { jwksUri: down.jwksUri });
      expect(await reasonOf(token(), {}, rt)).toBe('keys_unavailable');
    } finally {
      await down.close();
    }
  });
});

describe('verify-signature', () => {
  it('rejects a token signed by another key under a published kid (catalogue B21)', async () => {
    expect(await reasonOf(token(claims(), {}, attacker))).toBe('signature_invalid');
  });
  it('rejects a payload changed after signing (catalogue B20)', async () => {
    const [h, , s] = token().split('.');
    expect(await reasonOf(`${h}.${Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url')}.${s}`)).toBe('signature_invalid');
  });
  it('rejects a flipped signature bit (Wycheproof rejectsModifiedSignature)', async () => {
    const [h, p, s] = token().split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[sig.length - 1] ^= 1;
    expect(await reasonOf(`${h}.${p}.${sig.toString('base64url')}`)).toBe('signature_invalid');
  });
  it('verifies PS256, ES256 and EdDSA with their keys (RFC 7518 §3.3–3.5, RFC 8037)', async () => {
    expect(await reasonOf(token(claims(), { alg: 'PS256' }))).toBeUndefined();
    expect(await reasonOf(token(claims(), {}, ec))).toBeUndefined();
    expect(await reasonOf(token(claims(), {}, ed))).toBeUndefined();
  });
  it('rejects the ES256 psychic signature r = s = 0 (CVE-2022-21449) and DER-encoded signatures (RFC 7518 §3.4)', async () => {
    const [h, p] = token(claims(), {}, ec).split('.');
    expect(await reasonOf(`${h}.${p}.${Buffer.alloc(64).toString('base64url')}`)).toBe('signature_invalid');
    const { sign } = await import('node:crypto');
    const der = sign('sha256', Buffer.from(`${h}.${p}`), ec.privateKey);
    expect(await reasonOf(`${h}.${p}.${der.toString('base64url')}`)).toBe('signature_invalid');
  });
});

describe('check-audience', () => {
  it('accepts an aud array that contains ours (RFC 7519 §4.1.3)', async () => {
    expect(await reasonOf(token(claims({ aud: ['api://other', AUD] })))).toBeUndefined();
  });
  it('rejects a foreign audience and near misses, compared exactly (RFC 7519 §4.1.3, catalogue E19)', async () => {
    for (const aud of ['api://other', `${AUD}/`, AUD.toUpperCase(), `${AUD}-admin`]) expect(await reasonOf(token(claims({ aud })))).toBe('audience_not_allowed');
  });
  it('rejects a missing audience and a wrongly typed one (RFC 8725 §3.9)', async () => {
    const { aud: _a, ...rest } = claims();
    expect(await reasonOf(token(rest))).toBe('audience_missing');
    expect(await reasonOf(token(claims({ aud: [AUD, 1] })))).toBe('claim_invalid');
    expect(await reasonOf(token(claims({ aud: 7 })))).toBe('claim_invalid');
  });
});

describe('check-required-claims', () => {
  it('rejects a token without exp by default (RFC 9068 §2.2, APIM require-expiration-time)', async () => {
    const { exp: _e, ...rest } = claims();
    expect(await reasonOf(token(rest))).toBe('exp_missing');
    const rt = await runtime({ token: { requireExp: false } });
    expect(await reasonOf(token(rest), {}, rt)).toBeUndefined();
  });
  it('rejects a token missing a configured required claim (RFC 9068 §2.2)', async () => {
    const rt = await runtime({ token: { requiredClaims: ['jti'] } });
    expect(await reasonOf(token(), {}, rt)).toBe('required_claim_missing');
    expect(await reasonOf(token(claims({ jti: 'j1' })), {}, rt)).toBeUndefined();
  });
  it('rejects a sender-constrained token presented as a bearer token (RFC 9449 §7, RFC 8705 §3)', async () => {
    expect(await reasonOf(token(claims({ cnf: { jkt: 'abc' } })))).toBe('sender_constrained');
  });
});

describe('time checks', () => {
  const now = nowSeconds();
  it('rejects exp in the past (RFC 7519 §4.1.4)', async () => {
    expect(await reasonOf(token(claims({ iat: now - 4000, nbf: now - 4000, exp: now - 3600 })))).toBe('token_expired');
  });
  it('rejects exp equal to now: the current time must be before exp (RFC 7519 §4.1.4)', async () => {
    expect(await reasonOf(token(claims({ iat: now - 60, nbf: now - 60, exp: now })), { nowMs: now * 1000 })).toBe('token_expired');
    expect(await reasonOf(token(claims({ iat: now - 60, nbf: now - 60, exp: now + 1 })), { nowMs: now * 1000 })).toBeUndefined();
  });
  it('allows exactly the configured clock skew past exp and no more (RFC 7519 §4.1.4)', async () => {
    const rt = await runtime({ token: { clockSkewSeconds: 30 } });
    const t = token(claims({ iat: now - 600, nbf: now - 600, exp: now }));
    expect(await reasonOf(t, { nowMs: (now + 29) * 1000 }, rt)).toBeUndefined();
    expect(await reasonOf(t, { nowMs: (now + 30) * 1000 }, rt)).toBe('token_expired');
  });
  it.each([['"9999999999"', '9999999999'], ['true', true], ['null', null], ['{}', {}]])('rejects exp of type %s: NumericDate is a JSON number (RFC 7519 §2)', async (_n, exp) => {
    expect(await reasonOf(token(claims({ exp })))).toBe('claim_invalid');
  });
  it('rejects nbf in the future (RFC 7519 §4.1.5)', async () => {
    expect(await reasonOf(token(claims({ nbf: now + 3600 })))).toBe('token_not_yet_valid');
  });
  it('rejects iat in the future by default (RFC 7519 §4.1.6, catalogue E07) and accepts it when turned off', async () => {
    expect(await reasonOf(token(claims({ iat: now + 3600, nbf: now })))).toBe('iat_in_future');
    const rt = await runtime({ token: { rejectFutureIat: false } });
    expect(await reasonOf(token(claims({ iat: now + 3600, nbf: now })), {}, rt)).toBeUndefined();
  });
  it('rejects a lifetime above the configured maximum (catalogue E08)', async () => {
    const rt = await runtime({ token: { maxLifetimeSeconds: 3600 } });
    expect(await reasonOf(token(claims({ exp: now + 10 * 365 * 86400 })), {}, rt)).toBe('lifetime_too_long');
    expect(await reasonOf(token(), {}, rt)).toBeUndefined();
  });
});

describe('verified-token cache', () => {
  it('stores a token on its second verification and serves the third from the cache, still refusing it once exp has passed (RFC 7519 §4.1.4)', async () => {
    const now = nowSeconds();
    const t = token(claims({ exp: now + 5 }));
    const size = base.tokenCache!.size;
    expect((await run(base, t)).ctx.cacheHit).toBe(false);
    expect(base.tokenCache!.size).toBe(size);
    expect((await run(base, t)).ctx.cacheHit).toBe(false);
    const third = await run(base, t);
    expect(third.reason).toBeUndefined();
    expect(third.ctx.cacheHit).toBe(true);
    expect((await run(base, t, { nowMs: (now + 6) * 1000 })).reason).toBe('token_expired');
  });
  it('keeps no entry for tokens seen once, and stores on the first sighting with admitOnSecondSighting off', async () => {
    const once = await runtime({});
    for (let i = 0; i < 50; i++) expect((await run(once, token(claims({ jti: `once-${i}` })))).reason).toBeUndefined();
    expect(once.tokenCache!.size).toBe(0);
    const eager = await runtime({ tokenCache: { admitOnSecondSighting: false } });
    const t = token();
    await run(eager, t);
    expect(eager.tokenCache!.size).toBe(1);
    expect((await run(eager, t)).ctx.cacheHit).toBe(true);
  });
  it('is matched on the whole token: a changed signature byte or payload, with the cached token\'s ending, is verified afresh and fails', async () => {
    const t = token(claims({ jti: 'whole-token' }));
    await run(base, t);
    await run(base, t);
    expect((await run(base, t)).ctx.cacheHit).toBe(true);
    const [h, p, s] = t.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[0] ^= 1;
    // The cache finds entries by the token's last characters: these share them with the cached token.
    const flipped = await run(base, `${h}.${p}.${sig.toString('base64url')}`);
    expect(flipped.ctx.cacheHit).toBe(false);
    expect(flipped.reason).toBe('signature_invalid');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = await run(base, `${h}.${Buffer.from(JSON.stringify({ ...payload, roles: ['Admin'] })).toString('base64url')}.${s}`);
    expect(forged.ctx.cacheHit).toBe(false);
    expect(forged.reason).toBe('signature_invalid');
    // The genuine token is still served from its entry.
    expect((await run(base, t)).ctx.cacheHit).toBe(true);
  });
  it('still applies route authorisation on a hit (RFC 6750 §3.1 insufficient_scope)', async () => {
    const t = token();
    await run(base, t);
    await run(base, t);
    const requirement: CompiledRequirement = { values: ['Orders.Write'], claims: ['roles', 'scp'], match: 'any', separator: ' ', scope: 'Orders.Write' };
    const { reason, ctx } = await run(base, t, { requirement });
    expect(ctx.cacheHit).toBe(true);
    expect(reason).toBe('insufficient_scope');
  });
  it('stays within maxEntries, evicting the oldest', async () => {
    const rt = await runtime({ tokenCache: { maxEntries: 3 } });
    for (let i = 0; i < 5; i++) {
      const t = token(claims({ jti: String(i) }));
      await run(rt, t);
      await run(rt, t);
    }
    expect(rt.tokenCache!.size).toBe(3);
  });
  it('stays within maxBytes', async () => {
    const rt = await runtime({ tokenCache: { maxBytes: 6000 } });
    for (let i = 0; i < 10; i++) {
      const t = token(claims({ jti: String(i) }));
      await run(rt, t);
      await run(rt, t);
    }
    expect(rt.tokenCache!.bytes).toBeLessThanOrEqual(6000);
    expect(rt.tokenCache!.size).toBeGreaterThan(0);
  });
});

describe('authorize-route', () => {
  const req = (values: string[], match: 'any' | 'all' = 'any', claims_ = ['roles', 'scp'], separator = ' '): CompiledRequirement => ({ values, claims: claims_, match, separator, scope: values.join(' ') });
  it('grants a role from the roles array or a scope from the space-separated scp (Entra app and delegated tokens)', async () => {
    expect(await reasonOf(token(), { requirement: req(['Orders.Read']) })).toBeUndefined();
    expect(await reasonOf(token(claims({ roles: undefined, scp: 'Orders.Write Orders.Read' })), { requirement: req(['Orders.Read']) })).toBeUndefined();
  });
  it('rejects with insufficient_scope when the value is absent, differs in case, or is only a substring (catalogue E24, E25)', async () => {
    expect(await reasonOf(token(claims({ roles: ['Orders.Write'] })), { requirement: req(['Orders.Read']) })).toBe('insufficient_scope');
    expect(await reasonOf(token(claims({ roles: ['orders.read'] })), { requirement: req(['Orders.Read']) })).toBe('insufficient_scope');
    expect(await reasonOf(token(claims({ roles: undefined, scp: 'Orders.ReadWrite' })), { requirement: req(['Orders.Read']) })).toBe('insufficient_scope');
  });
  it('matches all-of only when every value is held', async () => {
    expect(await reasonOf(token(claims({ roles: ['a', 'b'] })), { requirement: req(['a', 'b'], 'all') })).toBeUndefined();
    expect(await reasonOf(token(claims({ roles: ['a'] })), { requirement: req(['a', 'b'], 'all') })).toBe('insufficient_scope');
  });
  it('never splits array elements and ignores non-string elements (catalogue F07, E28)', async () => {
    expect(await reasonOf(token(claims({ roles: ['x', 'b,c'] })), { requirement: req(['b'], 'any', ['roles'], ',') })).toBe('insufficient_scope');
    expect(await reasonOf(token(claims({ roles: [true, { admin: true }] })), { requirement: req(['admin']) })).toBe('insufficient_scope');
  });
  it('splits string claims on the configured separator', async () => {
    expect(await reasonOf(token(claims({ roles: 'a,b' })), { requirement: req(['b'], 'any', ['roles'], ',') })).toBeUndefined();
  });
});
