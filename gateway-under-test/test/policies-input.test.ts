import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, test } from 'vitest';
import type { TokenRecipe } from '../../mock-idp/index.ts';
import { emulatePolicy, parseGatewayConfig, PolicyError, readPolicy, type ReferenceGateway } from '../index.ts';
import { lintPolicy, parsePolicyValues, parsePolicyXml, type PolicyValues } from '../reference/policies/index.ts';
import { policyRig } from './reference-support/policy-rig.ts';

/** Policies as platforms export them, and the values their references stand for (`--policy-values`). */

const FIXTURES = join(import.meta.dirname, '../../fixtures/policies');
const values = (yaml: string): PolicyValues => parsePolicyValues(yaml, 'values.yaml');
const thrown = (f: () => unknown): PolicyError => {
  try {
    f();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error('expected a PolicyError');
};

describe('policy XML as exported', () => {
  test('a BOM, an XML declaration, comments and CDATA are read, and lines stay those of the file', () => {
    const root = parsePolicyXml('\uFEFF<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!-- licence\n   text -->\n<VerifyJWT name="v">\n  <Algorithm><![CDATA[RS256]]></Algorithm>\n</VerifyJWT>\n', 'p.xml');
    expect(root).toMatchObject({ name: 'VerifyJWT', line: 4 });
    expect(root.children[0]).toMatchObject({ name: 'Algorithm', text: 'RS256', line: 5 });
  });

  test('policy expressions written unescaped (quotes, <, &&) in attributes and text are read; later lines keep their numbers', () => {
    const xml = [
      '<policies><inbound>',
      '<choose>',
      '  <when condition="@(context.Request.Method == "POST" && context.Response.StatusCode < 400)">',
      '    <set-body>@{ var s = "a<b"; return s + \'"\'; }</set-body>',
      '  </when>',
      '</choose>',
      '<set-header name="X-A"><value>1</value></set-header>',
      '</inbound></policies>',
    ].join('\n');
    const root = parsePolicyXml(xml, 'p.xml');
    const when = root.children[0].children[0].children[0];
    expect(when.attributes.condition).toBe('@(context.Request.Method == "POST" && context.Response.StatusCode < 400)');
    expect(when.children[0].text).toBe('@{ var s = "a<b"; return s + \'"\'; }');
    expect(root.children[0].children[1]).toMatchObject({ name: 'set-header', line: 7 });
  });

  test('several top-level policies (a snippet as published) are read as one fragment, as is <fragment>', () => {
    const snippet = readPolicy('<rate-limit-by-key calls="1" renewal-period="1" counter-key="@(context.Request.IpAddress)" />\n\n<quota-by-key calls="1" renewal-period="1" counter-key="@(context.Request.IpAddress)" />', 'p.xml');
    expect(snippet.kind === 'apim' && [snippet.rateLimits[0].line, snippet.quotas[0].line]).toEqual([1, 3]);
    const fragment = readPolicy('<fragment>\n<check-header name="X-A" />\n</fragment>', 'p.xml');
    expect(fragment.kind === 'apim' && fragment.checkHeaders[0].line).toBe(2);
  });

  test('malformed XML stays an error with its line; "<" in a plain attribute value too, which the parser alone lets through', () => {
    expect(thrown(() => parsePolicyXml('<policies>\n<inbound>\n<x>\n</inbound></policies>', 'p.xml'))).toMatchObject({ code: 'ERR_POLICY_XML', line: 4 });
    const e = thrown(() => parsePolicyXml('<validate-jwt header-name="Authorization">\n<openid-config url="https://<tenant-name>.ciamlogin.com/x" />\n</validate-jwt>', 'p.xml'));
    expect(e.message).toBe('p.xml:2: malformed XML: "<" in the value of attribute url of <openid-config> (write &lt;, or replace the placeholder it marks)');
  });
});

describe('policy values', () => {
  test('YAML and JSON name: value files; numbers and booleans are text', () => {
    expect([...values('a: x\nb: 3\nc: true\n').values]).toEqual([['a', 'x'], ['b', '3'], ['c', 'true']]);
    expect([...values('{"propertyset.idp.issuer": "https://i"}').values]).toEqual([['propertyset.idp.issuer', 'https://i']]);
  });

  test('APIM {{named values}} anywhere, published {placeholders} only where the values name them, nested ones outermost first', () => {
    const xml = '<validate-jwt header-name="{{h}}">\n<openid-config url="https://login.microsoftonline.com/{aad-tenant}/v2.0/.well-known/openid-configuration" />\n<issuers><issuer>{issuer-value - (ex: https://sts.windows.net/{tenant id}/)}</issuer></issuers>\n<required-claims><claim name="c"><value>{kept}</value></claim></required-claims>\n</validate-jwt>';
    const p = readPolicy(xml, 'p.xml', { values: values('h: Authorization\naad-tenant: t1\n"issuer-value - (ex: https://sts.windows.net/{tenant id}/)": https://sts.windows.net/t1/\n') });
    if (p.kind !== 'apim' || p.validations[0].kind !== 'validate-jwt') throw new Error('expected validate-jwt');
    const v = p.validations[0];
    expect(v.headerName).toBe('Authorization');
    expect(v.openidConfigs[0].url).toBe('https://login.microsoftonline.com/t1/v2.0/.well-known/openid-configuration');
    expect(v.issuers).toEqual(['https://sts.windows.net/t1/']);
    expect(v.requiredClaims[0].values).toEqual(['{kept}']);
  });

  test('Apigee ref, uriRef and {variable} in a JWKS uri; a ref without a value falls back to the element\'s text, as Apigee does', () => {
    const xml = '<VerifyJWT name="v">\n<Algorithm>RS256</Algorithm>\n<PublicKey><JWKS uri="https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys"/></PublicKey>\n<Issuer ref="propertyset.idp.issuer"/>\n<Audience ref="unset">aud-literal</Audience>\n</VerifyJWT>';
    const p = readPolicy(xml, 'p.xml', { values: values('tenant: t1\npropertyset.idp.issuer: https://i/v2.0\n') });
    if (p.kind !== 'apigee') throw new Error('expected Apigee');
    expect(p.publicKey?.jwksUri).toBe('https://login.microsoftonline.com/t1/discovery/v2.0/keys');
    expect(p.issuer).toMatchObject({ value: 'https://i/v2.0', ref: 'propertyset.idp.issuer' });
    expect(p.audience?.value).toBe('aud-literal');
    const byRef = readPolicy('<VerifyJWT name="v">\n<Algorithm>RS256</Algorithm>\n<PublicKey><JWKS uriRef="propertyset.idp.jwks_uri"/></PublicKey>\n</VerifyJWT>', 'p.xml', { values: values('propertyset.idp.jwks_uri: https://k/keys\n') });
    expect(byRef.kind === 'apigee' && byRef.publicKey?.jwksUri).toBe('https://k/keys');
  });

  test('a reference without a value is one error naming it, its line and the flag (or the values file) to use', () => {
    const xml = '<policies>\n<inbound>\n<validate-azure-ad-token tenant-id="{{aad-tenant-id}}">\n<client-application-ids><application-id>{{client}}</application-id></client-application-ids>\n</validate-azure-ad-token>\n</inbound>\n</policies>';
    expect(thrown(() => readPolicy(xml, 'p.xml')).message).toBe('p.xml:3: named value {{aad-tenant-id}} has no value; give it with --policy-values FILE, a YAML or JSON file with the line aad-tenant-id: <value> (1 more without a value: client)');
    expect(thrown(() => readPolicy(xml, 'p.xml', { values: values('aad-tenant-id: t1\n') })).message).toBe('p.xml:4: named value {{client}} has no value; values.yaml has no "client": add a line client: <value>');
    const apigee = '<VerifyJWT name="v">\n<Algorithm>RS256</Algorithm>\n<PublicKey><JWKS uriRef="propertyset.idp.jwks_uri"/></PublicKey>\n</VerifyJWT>';
    expect(thrown(() => readPolicy(apigee, 'p.xml')).message).toMatch(/^p\.xml:3: <JWKS uriRef="propertyset\.idp\.jwks_uri"> has no value; give it with --policy-values FILE/);
  });

  test('lint without values judges what it can and reports each unresolved reference as a finding', () => {
    const xml = readFileSync(join(FIXTURES, 'public/apigee/apigee-samples-verify-idp-token.xml'), 'utf8');
    expect(lintPolicy(xml, 'p.xml').map((d) => [d.line, d.rule, d.message.replace(/.*\(/, '(')])).toEqual([
      [22, 'unresolved-reference', '(<JWKS uriRef="propertyset.idp_configuration.jwks_uri">)'],
      [24, 'unresolved-reference', '(<Issuer ref="propertyset.idp_configuration.issuer">)'],
      [25, 'unresolved-reference', '(<Audience ref="propertyset.idp_configuration.audience">)'],
    ]);
  });
});

describe('emulation of what exports carry', () => {
  /** Discovery answered in process, Entra-shaped: the v2 document names the v2 issuer and the v2 key set. */
  const fakeFetch = (async (url: string | URL) => {
    const u = String(url);
    const tenant = /\/([^/]+)\/(v2\.0\/)?\.well-known/.exec(u)![1];
    const v2 = u.includes('/v2.0/');
    const body = { issuer: v2 ? `https://rig.idp.test/${tenant}/v2.0` : `https://rig.idp.test/${tenant}/`, jwks_uri: `https://rig.idp.test/${tenant}/discovery/${v2 ? 'v2.0/' : ''}keys` };
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const emulate = (xml: string, yaml?: string) => emulatePolicy(xml, { upstreamUrl: 'http://127.0.0.1:9', authority: 'https://rig.idp.test', fetch: fakeFetch, values: yaml ? values(yaml) : undefined });

  test('a v2 openid-config with the v1 issuer in <issuers> (Microsoft\'s example): the v1 issuer, verified with the tenant\'s keys', async () => {
    const xml = readFileSync(join(FIXTURES, 'public/apim/learn-protect-backend-v1-issuer.xml'), 'utf8');
    const e = await emulate(xml, readFileSync(join(FIXTURES, 'public/apim/learn-protect-backend-v1-issuer.values.yaml'), 'utf8'));
    const config = parseGatewayConfig(e.config);
    expect(config.issuers.map((i) => [i.issuer, i.jwksUri])).toEqual([['https://rig.idp.test/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c/', 'https://rig.idp.test/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c/discovery/keys']]);
    expect(config.audiences).toEqual(['9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d']);
  });

  test('a symmetric key and a certificate-id are refused naming the key and its line, not "no key source"', async () => {
    const hmac = '<validate-jwt header-name="Authorization">\n<issuer-signing-keys>\n<key>{{k}}</key>\n</issuer-signing-keys>\n</validate-jwt>';
    await expect(emulate(hmac, 'k: c2VjcmV0\n')).rejects.toThrow('policy.xml:3: no key gatecheck can verify tokens with (line 3: <key> from named value {{k}} is a symmetric (HMAC) key; not emulated: the reference gateway verifies only asymmetric signatures (RFC 8725 §3.1))');
    await expect(emulate(hmac.replace('<key>{{k}}</key>', '<key certificate-id="c1" />'))).rejects.toThrow(/^policy\.xml:3: .*<key certificate-id="c1"> names a certificate uploaded to the APIM instance/);
  });

  test('an audience computed by a policy expression is not emulated: its cases are skipped, not judged against a literal', async () => {
    const e = await emulate('<validate-jwt header-name="Authorization">\n<openid-config url="https://login.microsoftonline.com/t1/v2.0/.well-known/openid-configuration" />\n<audiences>\n<audience>@(context.Request.OriginalUrl.Host)</audience>\n</audiences>\n</validate-jwt>');
    expect(e.config.token?.checkAudience).toBe(false);
    expect(e.diagnostics.find((d) => d.rule === 'not-emulated' && d.checks?.includes('audience'))?.line).toBe(3);
  });

  test('token validation under a condition outside the expression subset, and an encrypted Apigee JWT, are refused naming their line', async () => {
    await expect(emulate('<policies>\n<inbound>\n<choose>\n<when condition="@(context.Api.Name == &quot;orders&quot;)"><validate-jwt header-name="Authorization"><openid-config url="https://login.microsoftonline.com/t1/v2.0/.well-known/openid-configuration" /></validate-jwt></when>\n</choose>\n</inbound>\n</policies>')).rejects.toThrow(
      'policy.xml:4: not emulated: @(context.Api.Name == "orders") (context.Api is outside the supported subset): whether or which token validation runs depends on it',
    );
    const xml = readFileSync(join(FIXTURES, 'public/apigee/apigee-samples-verify-encrypted.xml'), 'utf8');
    await expect(emulate(xml, 'desired_subject: s\ndesired_audience: a\n')).rejects.toThrow('policy.xml:17: <Algorithms>: encrypted JWTs (JWE) are not emulated; gatecheck emulates signed JWTs (<Algorithm>)');
  });
});

describe('published policies with their values, against the mock IdP', () => {
  const rig = policyRig();

  async function serve(fixture: string): Promise<ReferenceGateway> {
    const xml = readFileSync(join(FIXTURES, fixture), 'utf8');
    const yaml = readFileSync(join(FIXTURES, fixture.replace(/\.xml$/, '.values.yaml')), 'utf8');
    const { config } = await emulatePolicy(xml, { file: fixture, upstreamUrl: rig.upstream.url, authority: rig.idp.url, port: 0, values: values(yaml) });
    const g = await rig.serve(config);
    return g;
  }

  async function send(g: ReferenceGateway, recipe: TokenRecipe) {
    const { token } = await rig.idp.mint({ tenant: 'contoso', ...recipe });
    const before = rig.upstream.seen.length;
    const res = await request(`${g.url}/api/legacy`, { headers: { authorization: `Bearer ${token}` } });
    await res.body.dump();
    return { status: res.statusCode, reason: res.headers['x-gatecheck-reason'], reached: rig.upstream.seen.length - before };
  }

  test('Microsoft\'s v2 openid-config + v1 issuer example runs a v1-token API: a v1 token for it passes, a v2 token and another API\'s do not', async () => {
    const g = await serve('public/apim/learn-protect-backend-v1-issuer.xml');
    const legacy = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
    // The token a daemon gets from the token endpoint for legacy-api (accessTokenAcceptedVersion 1), asked by application id.
    const res = await request(`${rig.idp.url}/contoso/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', client_secret: 'demo-secret-not-for-production', scope: `${legacy}/.default` }).toString(),
    });
    const { access_token: token } = (await res.body.json()) as { access_token: string };
    expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())).toMatchObject({ ver: '1.0', aud: legacy, iss: `${rig.idp.url}/7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c/` });
    const before = rig.upstream.seen.length;
    const v1 = await request(`${g.url}/api/legacy`, { headers: { authorization: `Bearer ${token}` } });
    await v1.body.dump();
    expect([v1.statusCode, v1.headers['x-gatecheck-reason'], rig.upstream.seen.length - before]).toEqual([200, undefined, 1]);
    expect(await send(g, { profile: 'entra-v2-app', api: legacy })).toMatchObject({ status: 401, reason: 'issuer_not_allowed', reached: 0 });
    expect(await send(g, { profile: 'entra-v1-app' })).toMatchObject({ status: 401, reached: 0 });
  });

  test('Apigee\'s sample with its property set (uriRef, Issuer ref, Audience ref): a contoso token for orders-api passes, another audience does not', async () => {
    const g = await serve('public/apigee/apigee-samples-verify-idp-token.xml');
    expect(await send(g, {})).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, { claims: { aud: 'api://other-api' } })).toMatchObject({ status: 401, reached: 0 });
  });
});
