import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TokenRecipe } from '../../mock-idp/index.ts';
import { emulatePolicy, loadPolicyValues, parseGatewayConfig, readPolicy, type Emulation, type ReferenceGateway } from '../index.ts';
import { emulateApimFolder, parsePolicyValues } from '../reference/policies/index.ts';
import { policyRig } from './reference-support/policy-rig.ts';

/**
 * APIM `<choose>` emulated end to end: the policy (a file or an APIOps folder) becomes the reference
 * gateway's routes, the mock IdP mints the tokens, and what reaches the echo upstream is what the
 * policy lets through.
 */

const FIXTURES = join(import.meta.dirname, '../../fixtures/policies');
const TENANT = '7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c';
const ORDERS_API = '5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b';
const rig = policyRig();


async function start(e: Emulation): Promise<ReferenceGateway> {
  const g = await rig.serve(e.config);
  return g;
}

async function folder(name: string): Promise<{ e: Emulation; g: ReferenceGateway }> {
  const dir = join(FIXTURES, 'apiops', name);
  const e = await emulateApimFolder(dir, { upstreamUrl: rig.upstream.url, authority: rig.idp.url, port: 0, values: await loadPolicyValues(`${dir}.values.yaml`) });
  return { e, g: await start(e) };
}

/** A policy of one validate-jwt against the mock's contoso tenant and orders-api, with `inbound` around it. */
const policy = (inbound: string) => `<policies>\n<inbound>\n${inbound}\n</inbound>\n<backend><forward-request /></backend>\n<outbound />\n<on-error />\n</policies>\n`;
const validateJwt = (claims = '', attrs = '') =>
  `<validate-jwt header-name="Authorization" require-scheme="Bearer"${attrs}><openid-config url="https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration" /><audiences><audience>${ORDERS_API}</audience></audiences>${claims ? `<required-claims>${claims}</required-claims>` : ''}</validate-jwt>`;
const role = (r: string) => `<claim name="roles" match="any"><value>${r}</value></claim>`;

async function single(xml: string, values?: string): Promise<{ e: Emulation; g: ReferenceGateway }> {
  const e = await emulatePolicy(xml, { file: 'policy.xml', upstreamUrl: rig.upstream.url, authority: rig.idp.url, port: 0, values: values ? parsePolicyValues(values, 'values.yaml') : undefined });
  return { e, g: await start(e) };
}

/** Sends `method path` with a token minted from `recipe` (none when null): status, reason, whether the backend saw it. */
async function send(g: ReferenceGateway, method: string, path: string, recipe: TokenRecipe | null, authorization?: string) {
  const token = recipe ? (await rig.idp.mint({ tenant: 'contoso', ...recipe })).token : undefined;
  const before = rig.upstream.seen.length;
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  else if (token) headers.authorization = `Bearer ${token}`;
  const res = await request(`${g.url}${path}`, { method: method as 'GET', headers });
  await res.body.dump();
  return { status: res.statusCode, reason: res.headers['x-gatecheck-reason'], reached: rig.upstream.seen.length - before };
}
const roles = (...r: string[]): TokenRecipe => ({ claims: { roles: r } });

describe('an APIOps folder whose operations authorize by role with <choose> (apiops/good-choose-by-role)', () => {
  let g: ReferenceGateway;
  let e: Emulation;
  beforeAll(async () => {
    ({ e, g } = await folder('good-choose-by-role'));
  });

  it('GET needs Orders.Read and POST Orders.Write, each tested on the validated token', async () => {
    expect(await send(g, 'GET', '/orders-api/orders', roles('Orders.Read'))).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'GET', '/orders-api/orders', roles('Orders.Write'))).toMatchObject({ status: 403, reason: 'insufficient_scope', reached: 0 });
    expect(await send(g, 'POST', '/orders-api/orders', roles('Orders.Write'))).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'POST', '/orders-api/orders', roles('Orders.Read'))).toMatchObject({ status: 403, reached: 0 });
    expect(await send(g, 'POST', '/orders-api/orders', roles('Orders.Read', 'Orders.Write'))).toMatchObject({ status: 200, reached: 1 });
  });

  it('Split(\',\').Contains is a whole-role test: a longer role name or a role in another claim grants nothing', async () => {
    expect(await send(g, 'POST', '/orders-api/orders', roles('Orders.WriteAll'))).toMatchObject({ status: 403, reached: 0 });
    expect(await send(g, 'POST', '/orders-api/orders', { claims: { roles: [], scp: 'Orders.Write' } })).toMatchObject({ status: 403, reached: 0 });
  });

  it('no token, or another API\'s token, never reaches the <choose>: the API\'s validation refuses it first', async () => {
    expect(await send(g, 'GET', '/orders-api/orders', null)).toMatchObject({ status: 401, reached: 0 });
    expect(await send(g, 'POST', '/orders-api/orders', { claims: { aud: 'api://other', roles: ['Orders.Write'] } })).toMatchObject({ status: 401, reached: 0 });
  });

  it('routes carry exactly the roles the conditions test, and nothing is left unemulated', () => {
    expect(e.config.routes.map((r) => [r.methods, r.path, r.auth, r.require?.values])).toEqual([
      [['GET'], '/orders-api/orders', 'required', ['Orders.Read']],
      [['POST'], '/orders-api/orders', 'required', ['Orders.Write']],
    ]);
    expect(e.notEmulated).toEqual([]);
  });
});

describe('an APIOps folder whose <choose> validates only the methods that write (apiops/bad-choose-method-unauthenticated)', () => {
  it('GET reaches the backend without any token, as APIM would let it; the contract still requires one', async () => {
    const { e, g } = await folder('bad-choose-method-unauthenticated');
    expect(await send(g, 'GET', '/orders-api/orders', null)).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'GET', '/orders-api/orders', null, 'Bearer not-a-token')).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'DELETE', '/orders-api/orders/42', null)).toMatchObject({ status: 401, reached: 0 });
    expect(await send(g, 'DELETE', '/orders-api/orders/42', roles('Orders.Write'))).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'POST', '/orders-api/orders', roles('Orders.Read'))).toMatchObject({ status: 403, reached: 0 });
    expect(parseGatewayConfig(e.contract).routes.find((r) => r.methods.includes('GET'))).toMatchObject({ auth: 'required' });
    expect(e.diagnostics.some((d) => d.message.includes('lets operation get-orders (GET /orders-api/orders) through without any token validation'))).toBe(true);
  });
});

describe('a single policy whose <choose> decides by method, path and claims', () => {
  it('the snippet pattern (a validation per method, one in <otherwise>) becomes a route per method', async () => {
    const { e, g } = await single(policy(`<choose>\n<when condition="@(context.Request.Method.Equals(&quot;post&quot;, StringComparison.OrdinalIgnoreCase))">${validateJwt(role('Orders.Write'))}</when>\n<otherwise>${validateJwt()}</otherwise>\n</choose>`));
    expect(await send(g, 'POST', '/api/orders', roles('Orders.Read'))).toMatchObject({ status: 403, reached: 0 });
    expect(await send(g, 'POST', '/api/orders', roles('Orders.Write'))).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'GET', '/api/orders', roles('Orders.Read'))).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'DELETE', '/api/orders', null)).toMatchObject({ status: 401, reached: 0 });
    expect(e.config.routes.map((r) => [r.methods, r.path, r.require?.values])).toEqual([
      [['POST'], '/*', ['Orders.Write']],
      [['*'], '/*', undefined],
    ]);
  });

  it('HEAD is not GET to a condition: where they differ HEAD gets a route of its own, ahead of the GET route it would otherwise match', async () => {
    const { e, g } = await single(policy(`<choose>\n<when condition="@(context.Request.Method == &quot;GET&quot; || context.Request.Url.Path == &quot;/reports&quot;)">${validateJwt(role('Orders.Read'))}</when>\n<otherwise>${validateJwt()}</otherwise>\n</choose>`));
    // The exact path the condition names comes first: every method there needs the role.
    expect(e.config.routes.map((r) => [r.methods, r.path, r.require?.values])).toEqual([
      [['*'], '/reports', ['Orders.Read']],
      [['HEAD'], '/*', undefined],
      [['GET'], '/*', ['Orders.Read']],
      [['*'], '/*', undefined],
    ]);
    expect(await send(g, 'HEAD', '/x', roles('Orders.Write'))).toMatchObject({ status: 200 });
    expect(await send(g, 'GET', '/x', roles('Orders.Write'))).toMatchObject({ status: 403, reached: 0 });
    expect(await send(g, 'POST', '/reports', roles('Orders.Write'))).toMatchObject({ status: 403, reached: 0 });
    expect(await send(g, 'POST', '/reports/2026', roles('Orders.Write'))).toMatchObject({ status: 200, reached: 1 });
  });

  it('a path the <when> exempts from validation is served open, and judged against the validation of the rest', async () => {
    const { e, g } = await single(policy(`<choose>\n<when condition="@(context.Request.Url.Path.StartsWith(&quot;/public/&quot;))" />\n<otherwise>${validateJwt()}</otherwise>\n</choose>`));
    expect(await send(g, 'GET', '/public/status', null)).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'GET', '/publicity', null)).toMatchObject({ status: 401, reached: 0 });
    expect(await send(g, 'GET', '/api/orders', null)).toMatchObject({ status: 401, reached: 0 });
    expect(e.config.routes.map((r) => [r.path, r.auth])).toEqual([['/public/*', 'anonymous'], ['/*', 'required']]);
    expect(e.contract?.routes.map((r) => [r.path, r.auth])).toEqual([['/public/*', 'required'], ['/*', 'required']]);
  });

  it('Learn\'s claim check after validate-jwt (POST needs group finance, else 403) is the POST route\'s requirement', async () => {
    const { e, g } = await single(
      policy(`${validateJwt('<claim name="group" match="any"><value>finance</value><value>logistics</value></claim>', ' output-token-variable-name="jwt"')}\n<choose>\n<when condition="@(context.Request.Method == "POST" &amp;&amp; !((Jwt)context.Variables["jwt"]).Claims["group"].Contains("finance"))">\n<return-response><set-status code="403" reason="Forbidden" /></return-response>\n</when>\n</choose>`),
    );
    expect(await send(g, 'POST', '/api/orders', { claims: { group: ['logistics'] } })).toMatchObject({ status: 403, reached: 0 });
    expect(await send(g, 'POST', '/api/orders', { claims: { group: ['finance'] } })).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'GET', '/api/orders', { claims: { group: ['logistics'] } })).toMatchObject({ status: 200, reached: 1 });
    // The validation's own required claim stays token-wide (401), as APIM's failed-validation-httpcode.
    expect(await send(g, 'GET', '/api/orders', { claims: { group: ['sales'] } })).toMatchObject({ status: 401, reached: 0 });
    expect(e.config.routes.find((r) => r.methods?.includes('POST'))?.require).toMatchObject({ claims: ['group'], values: ['finance'] });
    expect(e.notEmulated).not.toContain('claims');
  });

  it('set-variable from the validated token\'s claims feeds a later condition: DELETE needs Orders.Admin', async () => {
    const { e, g } = await single(
      policy(`${validateJwt('', ' output-token-variable-name="jwt"')}\n<set-variable name="isAdmin" value="@(((Jwt)context.Variables[&quot;jwt&quot;]).Claims.GetValueOrDefault(&quot;roles&quot;, &quot;&quot;).Split(',').Contains(&quot;Orders.Admin&quot;))" />\n<choose>\n<when condition="@(context.Request.Method == &quot;DELETE&quot; &amp;&amp; !(bool)context.Variables[&quot;isAdmin&quot;])">\n<return-response><set-status code="403" /></return-response>\n</when>\n</choose>`),
    );
    expect(e.config.routes.map((r) => [r.methods, r.require?.values])).toEqual([[['DELETE'], ['Orders.Admin']], [['*'], undefined]]);
    expect(await send(g, 'DELETE', '/orders/1', roles('Orders.Write'))).toMatchObject({ status: 403, reached: 0 });
    expect(await send(g, 'DELETE', '/orders/1', roles('Orders.Admin'))).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'GET', '/orders/1', roles('Orders.Write'))).toMatchObject({ status: 200, reached: 1 });
  });

  it('a substring test on the joined roles is emulated as a whole-role test and says so, listing the claims checks', async () => {
    const { e } = await single(
      policy(`${validateJwt('', ' output-token-variable-name="jwt"')}\n<choose>\n<when condition="@(!((Jwt)context.Variables[&quot;jwt&quot;]).Claims.GetValueOrDefault(&quot;roles&quot;, &quot;&quot;).Contains(&quot;Orders.Write&quot;))">\n<return-response><set-status code="403" /></return-response>\n</when>\n</choose>`),
    );
    expect(e.config.routes[0].require).toMatchObject({ values: ['Orders.Write'] });
    expect(e.notEmulated).toContain('claims');
    expect(e.diagnostics.find((d) => d.checks?.includes('claims'))?.message).toContain('not a whole-value claim test');
  });

  it('return-response with another status than 403 is emulated as 403, and the failure-response checks say not emulated', async () => {
    const { e, g } = await single(policy(`${validateJwt('', ' output-token-variable-name="jwt"')}\n<choose>\n<when condition="@(((Jwt)context.Variables[&quot;jwt&quot;]).Claims.GetValueOrDefault(&quot;roles&quot;, &quot;&quot;).Split(',').Contains(&quot;Orders.Read&quot;))" />\n<otherwise><return-response><set-status code="404" /></return-response></otherwise>\n</choose>`));
    expect(await send(g, 'GET', '/x', roles('Orders.Write'))).toMatchObject({ status: 403, reached: 0 });
    expect(await send(g, 'GET', '/x', roles('Orders.Read'))).toMatchObject({ status: 200, reached: 1 });
    expect(e.notEmulated).toContain('failure-response');
  });

  it('a condition outside the subset is "not emulated: <expression> at <file>:<line>" with the checks it affects', async () => {
    const { e } = await single(policy(`${validateJwt()}\n<choose>\n<when condition="@(context.Request.Headers.GetValueOrDefault(&quot;X-Debug&quot;, &quot;&quot;) == &quot;1&quot;)">\n${validateJwt(role('Debug'))}\n</when>\n</choose>`));
    const d = e.diagnostics.find((x) => x.message.startsWith('not emulated: @('));
    expect(d).toMatchObject({ rule: 'not-emulated', file: 'policy.xml', line: 5, checks: ['claims', 'request-checks'] });
    expect(d?.message).toContain('not emulated: @(context.Request.Headers.GetValueOrDefault("X-Debug", "") == "1") at policy.xml:5 (it reads the X-Debug header');
    await expect(emulatePolicy(policy(`<choose>\n<when condition="@(context.Api.Name == &quot;a&quot;)">${validateJwt()}</when>\n</choose>`), { file: 'p.xml', upstreamUrl: rig.upstream.url, authority: rig.idp.url })).rejects.toThrow(
      'p.xml:4: not emulated: @(context.Api.Name == "a") (context.Api is outside the supported subset): whether or which token validation runs depends on it',
    );
  });
});

describe('a <choose> APIM would refuse is refused with its line', () => {
  it.each([
    ['<choose>\n<when>\n<return-response />\n</when>\n</choose>', 'p.xml:4: <when> needs condition'],
    ['<choose>\n<otherwise />\n<when condition="@(true)" />\n</choose>', 'p.xml:5: <when> after <otherwise>: <otherwise> comes last'],
    ['<choose>\n<otherwise />\n</choose>', 'p.xml:3: <choose> needs at least one <when>'],
    ['<choose>\n<when condition="@(true)" />\n<base />\n</choose>', 'p.xml:5: <choose> holds <when> and <otherwise>, found <base>'],
    ['<choose>\n<when condition="@(true)"><validate-jwt header-name="Authorization"><audiences /></validate-jwt></when>\n</choose>', 'p.xml:4: <audiences> needs at least one <audience>'],
  ])('%s', (inbound, message) => {
    expect(() => readPolicy(policy(inbound), 'p.xml')).toThrow(message);
  });
});

describe('rate-limit-by-key through the evaluator', () => {
  const limited = (attrs: string) => policy(`${validateJwt('', ' output-token-variable-name="jwt"')}\n<rate-limit-by-key calls="2" renewal-period="60" counter-key="@(((Jwt)context.Variables[&quot;jwt&quot;]).Subject)"${attrs} />`);

  it('an increment-condition in the subset is evaluated per route: always true counts every request, and the third call is refused', async () => {
    const { e, g } = await single(limited(' increment-condition="@(context.Request.Method != &quot;GATECHECK&quot; || true)"'));
    expect(e.notEmulated).not.toContain('rate-limit');
    const sub: TokenRecipe = { claims: { sub: 'rate-limited-caller' } };
    expect((await send(g, 'GET', '/x', sub)).status).toBe(200);
    expect((await send(g, 'GET', '/x', sub)).status).toBe(200);
    expect((await send(g, 'GET', '/x', sub)).status).toBe(429);
  });

  it('one outside the subset (the response, comparisons) is "not emulated" with its line, and every allowed request counts', async () => {
    const { e } = await single(limited(' increment-condition="@(context.Response.StatusCode == 200)"'));
    expect(e.diagnostics.find((d) => d.checks?.includes('rate-limit'))?.message).toBe('not emulated: increment-condition @(context.Response.StatusCode == 200) at policy.xml:4 (context.Response is outside the supported subset); every allowed request counts');
    expect(e.config.routes[0].rateLimit).toBe('policy');
  });

  it('a counter key on the subscription is read as such, and not emulated (the reference gateway keys on claims or the address)', async () => {
    const { e } = await single(policy(`${validateJwt()}\n<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription?.Key ?? &quot;anonymous&quot;)" />`));
    expect(e.diagnostics.find((d) => d.checks?.includes('rate-limit'))?.message).toContain('counter-key @(context.Subscription?.Key ?? "anonymous") is not emulated');
  });
});

describe('published policies with <choose>, verbatim', () => {
  it('Power Query sign-in (api-management-policy-snippets): its validation runs only when a header test outside the subset fails, so it is refused with that line', async () => {
    const file = 'public/apim/snippets-power-query.xml';
    const xml = readFileSync(join(FIXTURES, file), 'utf8');
    const values = parsePolicyValues(readFileSync(join(FIXTURES, file.replace(/\.xml$/, '.values.yaml')), 'utf8'), 'values.yaml');
    await expect(emulatePolicy(xml, { file, upstreamUrl: rig.upstream.url, authority: rig.idp.url, values })).rejects.toThrow(
      `${file}:21: not emulated: @(context.Request.Headers.GetValueOrDefault("Authorization","").Trim().Equals("Bearer")) (it reads the Authorization header other than as a JWT, which the reference gateway's routes can't tell requests apart by): whether or which token validation runs depends on it`,
    );
  });

  it('a condition on a variable another policy sets (cache-lookup-value) is not evaluated as if unset', async () => {
    const { e } = await single(policy(`${validateJwt()}\n<cache-lookup-value key="k" variable-name="cached" />\n<choose>\n<when condition="@(!context.Variables.ContainsKey(&quot;cached&quot;))">\n${validateJwt(role('Orders.Write'))}\n</when>\n</choose>`));
    expect(e.config.routes).toHaveLength(1);
    expect(e.config.routes[0].require).toBeUndefined();
    expect(e.diagnostics.find((d) => d.line === 6)?.message).toContain('it reads variable "cached", which no set-variable or token validation here sets');
  });

  it('a variable set from a header is not emulated, and the condition reading it says which set-variable', async () => {
    const { e } = await single(policy(`${validateJwt()}\n<set-variable name="env" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Env&quot;, &quot;prod&quot;))" />\n<choose>\n<when condition="@((string)context.Variables[&quot;env&quot;] == &quot;test&quot;)">\n${validateJwt(role('Tester'))}\n</when>\n</choose>`));
    expect(e.config.routes[0].require).toBeUndefined();
    expect(e.diagnostics.find((d) => d.line === 6)?.message).toContain('it reads variable "env"; its set-variable, @(context.Request.Headers.GetValueOrDefault("X-Env", "prod")) at policy.xml:4, is not emulated: it reads the X-Env header');
  });

  it('beside an unconditional validation, a <when> outside the subset that only refuses is never taken, and reported', async () => {
    const { e, g } = await single(policy(`${validateJwt()}\n<choose>\n<when condition="@(context.Request.Headers.GetValueOrDefault(&quot;X-Legacy&quot;, &quot;&quot;) == &quot;1&quot;)">\n<return-response><set-status code="410" /></return-response>\n</when>\n</choose>`));
    expect(await send(g, 'GET', '/x', {})).toMatchObject({ status: 200, reached: 1 });
    expect(e.diagnostics.find((d) => d.line === 5)).toMatchObject({ rule: 'not-emulated', checks: ['request-checks', 'failure-response'] });
  });
});

describe('validate-azure-ad-token, as Learn documents it', () => {
  const azureAd = (inner: string, attrs = '') => policy(`<validate-azure-ad-token tenant-id="${TENANT}"${attrs}>${inner}</validate-azure-ad-token>`);
  const daemon = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';

  it('client-application-ids: any listed client (azp, or appid in v1 tokens); audiences and backend-application-ids: the accepted aud', async () => {
    const { g } = await single(azureAd(`<client-application-ids><application-id>${daemon}</application-id><application-id>11111111-2222-4333-8444-555555555555</application-id></client-application-ids><backend-application-ids><application-id>${ORDERS_API}</application-id></backend-application-ids>`));
    expect(await send(g, 'GET', '/x', {})).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'GET', '/x', { claims: { azp: '99999999-2222-4333-8444-555555555555' } })).toMatchObject({ status: 401, reason: 'claim_value_not_allowed' });
    expect(await send(g, 'GET', '/x', { claims: { aud: 'api://other' } })).toMatchObject({ status: 401 });
  });

  it('required-claims: match all is the default, match any takes one, separator splits a string claim', async () => {
    const claims = '<required-claims><claim name="scp" separator=" "><value>Orders.Read</value><value>Orders.Write</value></claim><claim name="roles" match="any"><value>Orders.Read</value><value>Orders.Admin</value></claim></required-claims>';
    const { g } = await single(azureAd(`<client-application-ids><application-id>${daemon}</application-id></client-application-ids><audiences><audience>${ORDERS_API}</audience></audiences>${claims}`));
    expect(await send(g, 'GET', '/x', { claims: { scp: 'Orders.Write Orders.Read', roles: ['Orders.Admin'] } })).toMatchObject({ status: 200, reached: 1 });
    expect(await send(g, 'GET', '/x', { claims: { scp: 'Orders.Read', roles: ['Orders.Admin'] } })).toMatchObject({ status: 401, reached: 0 });
    expect(await send(g, 'GET', '/x', { claims: { scp: 'Orders.Read Orders.Write', roles: ['Orders.Write'] } })).toMatchObject({ status: 401, reached: 0 });
  });

  it('decryption-keys are reported as not emulated rather than ignored; a computed failed-validation-httpcode is read as 401', async () => {
    const { e } = await single(azureAd(`<client-application-ids><application-id>${daemon}</application-id></client-application-ids><decryption-keys><key certificate-id="c" /></decryption-keys>`, ' failed-validation-httpcode="@(401)"'));
    expect(e.diagnostics.find((d) => d.message.startsWith('decryption-keys'))).toMatchObject({ rule: 'not-emulated', line: 3, checks: ['signature'] });
  });
});
