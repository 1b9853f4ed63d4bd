import { describe, expect, test } from 'vitest';
import { emulatePolicy, parseGatewayConfig, PolicyError, readPolicy } from '../index.ts';

/** Discovery answered in process: the defaults tests never leave the test. */
const fakeFetch = (async (url: string | URL) => {
  const tenant = /\/([^/]+)\/(v2\.0\/)?\.well-known/.exec(String(url))![1];
  const issuer = tenant === 'organizations' ? 'https://idp.test/{tenantid}/v2.0' : `https://idp.test/${tenant}/${String(url).includes('/v2.0/') ? 'v2.0' : ''}`;
  return new Response(JSON.stringify({ issuer, jwks_uri: 'https://idp.test/keys' }), { headers: { 'content-type': 'application/json' } });
}) as typeof fetch;

const apim = (validateJwt: string, rest = '') => `<policies>\n<inbound>\n${validateJwt}\n${rest}\n</inbound>\n</policies>`;
const OIDC = '<openid-config url="https://login.microsoftonline.com/t1/v2.0/.well-known/openid-configuration" />';
const emulate = async (xml: string) => {
  const e = await emulatePolicy(xml, { upstreamUrl: 'http://127.0.0.1:9', authority: 'https://idp.test', fetch: fakeFetch });
  return { ...e, parsed: parseGatewayConfig(e.config) };
};

describe('APIM validate-jwt: each attribute\'s documented default', () => {
  const xml = apim(`<validate-jwt header-name="Authorization">${OIDC}<required-claims><claim name="roles"><value>A</value></claim></required-claims></validate-jwt>`);

  test('read: failed-validation-httpcode 401, require-expiration-time true, require-signed-tokens true, clock-skew 0, match all', () => {
    const p = readPolicy(xml, 'p.xml');
    if (p.kind !== 'apim') throw new Error('expected APIM');
    const v = p.validations[0];
    if (v.kind !== 'validate-jwt') throw new Error('expected validate-jwt');
    expect(v).toMatchObject({ failedStatus: 401, requireExpirationTime: true, requireSignedTokens: true, clockSkew: 0, audiences: null, issuers: null, requireScheme: undefined });
    expect(v.requiredClaims[0]).toMatchObject({ name: 'roles', match: 'all', separator: undefined, values: ['A'] });
  });

  test('emulated: exp required, no skew, iat not checked, status 401, Authorization forwarded, bearer scheme optional, kid-less tokens try every key', async () => {
    const { parsed, config } = await emulate(xml);
    expect(parsed.token).toMatchObject({ requireExp: true, clockSkewSeconds: 0, rejectFutureIat: false, kidAbsent: 'try-all', checkAudience: false });
    expect(parsed.token.failureStatus).toBeUndefined();
    expect(parsed.token.locations).toMatchObject({ header: true, headerName: 'Authorization', scheme: 'bearer-optional' });
    expect(parsed.routes[0].forwardAuthorization).toBe(true);
    expect(parsed.jwks).toMatchObject({ refreshSeconds: 3600, unknownKidCooldownSeconds: 300 });
    // match="all" without separator: the whole value must equal, never split.
    expect(config.token!.claimValues).toEqual([{ claims: ['roles'], values: ['A'], match: 'all', separator: '\u0000' }]);
  });

  test('every attribute set maps onto the reference config', async () => {
    const { parsed } = await emulate(
      apim(`<validate-jwt header-name="Authorization" require-scheme="Bearer" failed-validation-httpcode="403" require-expiration-time="false" clock-skew="120" output-token-variable-name="jwt">${OIDC}<audiences><audience>api://a</audience></audiences><required-claims><claim name="scp" match="any" separator=" "><value>r</value></claim><claim name="tid" /></required-claims></validate-jwt>`),
    );
    expect(parsed.token).toMatchObject({ requireExp: false, clockSkewSeconds: 120, failureStatus: 403, checkAudience: true, requiredClaims: ['tid'] });
    expect(parsed.token.claimValues).toEqual([{ claims: ['scp'], values: ['r'], match: 'any', separator: ' ' }]);
    expect(parsed.token.locations.scheme).toBe('bearer');
    expect(parsed.audiences).toEqual(['api://a']);
  });

  test('query-parameter-name reads the token from that parameter only; a custom header-name carries the bare token', async () => {
    const q = (await emulate(apim(`<validate-jwt query-parameter-name="jwt">${OIDC}</validate-jwt>`))).parsed.token.locations;
    expect(q).toMatchObject({ header: false, query: true, queryParameter: 'jwt' });
    const h = (await emulate(apim(`<validate-jwt header-name="X-Token" require-scheme="Bearer">${OIDC}</validate-jwt>`))).parsed.token.locations;
    expect(h).toMatchObject({ headerName: 'X-Token', header: true });
  });

  test('token-value, require-signed-tokens="false" and a symmetric key are reported as not emulated, with their lines', async () => {
    const e = await emulate(apim(`<validate-jwt token-value="@(context.Variables[&quot;t&quot;])"\n require-signed-tokens="false">${OIDC}<issuer-signing-keys>\n<key>c2VjcmV0</key></issuer-signing-keys></validate-jwt>`));
    expect(e.notEmulated).toEqual(expect.arrayContaining(['token-location', 'signature', 'algorithm']));
    const lines = e.diagnostics.filter((d) => d.rule === 'not-emulated').map((d) => d.line);
    expect(lines).toContain(3);
    expect(lines).toContain(5);
  });

  test('a multi-tenant openid-config without <issuers> trusts every tenant; with <issuers> only those', async () => {
    const mt = '<openid-config url="https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration" />';
    expect((await emulate(apim(`<validate-jwt header-name="Authorization">${mt}</validate-jwt>`))).parsed.issuers[0].tenants).toEqual(['*']);
    const listed = await emulate(apim(`<validate-jwt header-name="Authorization">${mt}<issuers><issuer>https://login.microsoftonline.com/t9/v2.0</issuer></issuers></validate-jwt>`));
    expect(listed.parsed.issuers[0].tenants).toEqual(['t9']);
  });

  test('set-header defaults to override; Authorization delete stops forwarding; rate-limit-by-key on the validated subject or the caller IP', async () => {
    const p = readPolicy(apim('<set-header name="X-A"><value>1</value></set-header>'), 'p.xml');
    expect(p.kind === 'apim' && p.setHeaders[0].existsAction).toBe('override');
    const vj = `<validate-jwt header-name="Authorization" output-token-variable-name="jwt">${OIDC}<audiences><audience>a</audience></audiences></validate-jwt>`;
    const sub = await emulate(apim(vj, '<rate-limit-by-key calls="3" renewal-period="10" counter-key="@(((Jwt)context.Variables[&quot;jwt&quot;]).Subject)" /><set-header name="Authorization" exists-action="delete" />'));
    expect(sub.parsed.rateLimits.policy).toEqual({ key: ['sub'], limit: 3, windowSeconds: 10 });
    expect(sub.parsed.routes[0]).toMatchObject({ forwardAuthorization: false, rateLimit: 'policy' });
    const ip = await emulate(apim(vj, '<rate-limit-by-key calls="3" renewal-period="10" counter-key="@(context.Request.IpAddress)" />'));
    expect(ip.parsed.rateLimits.policy.key).toEqual(['client_ip']);
    const header = await emulate(apim(vj, '<rate-limit-by-key calls="3" renewal-period="10" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;X-Id&quot;,&quot;&quot;))" />'));
    expect(header.parsed.rateLimits).toEqual({});
    expect(header.notEmulated).toContain('rate-limit');
  });

  test('validate-azure-ad-token: header Authorization by default, both Entra issuers, client-application-ids as azp/appid', async () => {
    const { parsed } = await emulate(apim('<validate-azure-ad-token tenant-id="t1"><client-application-ids><application-id>c1</application-id></client-application-ids></validate-azure-ad-token>'));
    expect(parsed.issuers.map((i) => i.issuer)).toEqual(['https://idp.test/t1/v2.0', 'https://idp.test/t1/']);
    expect(parsed.token.locations.headerName).toBe('Authorization');
    expect(parsed.token.claimValues[0]).toMatchObject({ claims: ['azp', 'appid'], values: ['c1'], match: 'any' });
  });
});

describe('Apigee VerifyJWT: documented defaults', () => {
  const verify = (body: string) => `<VerifyJWT name="v">\n<Algorithm>RS256</Algorithm>\n<PublicKey><JWKS uri="https://login.microsoftonline.com/t1/discovery/v2.0/keys"/></PublicKey>\n${body}\n</VerifyJWT>`;

  test('exp optional, future iat rejected, TimeAllowance 0, Source Authorization, crit checked, kid required with a JWKS, any issuer and audience when absent', async () => {
    const { parsed } = await emulate(verify(''));
    expect(parsed.token).toMatchObject({ requireExp: false, rejectFutureIat: true, clockSkewSeconds: 0, kidAbsent: 'reject', checkAudience: false, understoodCritical: [] });
    expect(parsed.token.locations).toMatchObject({ header: true, headerName: 'Authorization', scheme: 'bearer' });
    expect(parsed.issuers[0]).toMatchObject({ issuer: '*', jwksUri: 'https://idp.test/t1/discovery/v2.0/keys', algorithms: ['RS256'] });
  });

  test('Issuer, Audience, Subject, AdditionalClaims, TimeAllowance, IgnoreIssuedAt, MaxLifespan, Source map onto the reference config', async () => {
    const { parsed } = await emulate(
      verify('<Source>request.header.x-jwt</Source><Issuer>https://login.microsoftonline.com/t1/v2.0</Issuer><Audience>api://a</Audience><Subject>s1</Subject><AdditionalClaims><Claim name="azp">c1</Claim></AdditionalClaims><TimeAllowance>2m</TimeAllowance><IgnoreIssuedAt>true</IgnoreIssuedAt><MaxLifespan>1h</MaxLifespan><KnownHeaders>b2b</KnownHeaders>'),
    );
    expect(parsed.issuers[0].issuer).toBe('https://idp.test/t1/v2.0');
    expect(parsed.audiences).toEqual(['api://a']);
    expect(parsed.token).toMatchObject({ clockSkewSeconds: 120, rejectFutureIat: false, maxLifetimeSeconds: 3600, checkAudience: true, understoodCritical: ['b2b'] });
    expect(parsed.token.claimValues.map((c) => [c.claims[0], c.values])).toEqual([['sub', ['s1']], ['azp', ['c1']]]);
    expect(parsed.token.locations.headerName).toBe('x-jwt');
  });

  test('IgnoreCriticalHeaders and continueOnError are reported as not emulated; a registered name in AdditionalClaims is an error with its line', async () => {
    const e = await emulate(verify('<IgnoreCriticalHeaders>true</IgnoreCriticalHeaders>'));
    expect(e.notEmulated).toContain('critical-headers');
    const c = await emulate(verify('').replace('name="v"', 'name="v" continueOnError="true"'));
    expect(c.diagnostics.find((d) => d.rule === 'not-emulated')).toMatchObject({ line: 1, checks: expect.arrayContaining(['signature', 'audience']) });
    await expect(emulate(verify('<AdditionalClaims>\n<Claim name="iss">x</Claim></AdditionalClaims>'))).rejects.toThrow(/^policy\.xml:5: .*registered claim names/);
  });
});

describe('policy errors carry the line', () => {
  test.each([
    ['<policies>\n<inbound>\n<validate-jwt foo="1" header-name="Authorization"/></inbound></policies>', 3, 'ERR_POLICY_ATTRIBUTE'],
    ['<policies>\n<inbound>\n\n<not-a-policy/></inbound></policies>', 4, 'ERR_POLICY_UNKNOWN'],
    ['<policies>\n<inbound>\n<validate-jwt>\n</inbound></policies>', 4, 'ERR_POLICY_XML'],
    ['<policies>\n<inbound>\n<validate-jwt require-scheme="Bearer"/></inbound></policies>', 3, 'ERR_POLICY_INVALID'],
    ['<VerifyJWT>\n<Algorithm>RS999</Algorithm></VerifyJWT>', 2, 'ERR_POLICY_INVALID'],
    ['<Frobnicate/>', 1, 'ERR_POLICY_UNKNOWN'],
  ])('%#: %s', (xml, line, code) => {
    let error: unknown;
    try {
      readPolicy(xml, 'p.xml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).line).toBe(line);
    expect((error as PolicyError).code).toBe(code);
    expect((error as PolicyError).message).toMatch(new RegExp(`^p\\.xml:${line}: `));
  });
});
