import { describe, expect, it } from 'vitest';
import { evaluatePolicyExpression, type ExpressionRequest } from '../reference/policies/policy-expression-evaluate.ts';
import { parsePolicyExpression } from '../reference/policies/policy-expression-parse.ts';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (claims: Record<string, unknown>) => `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2ln`;

const request = (over: Partial<ExpressionRequest> = {}): ExpressionRequest => ({
  method: 'POST',
  path: '/orders/42',
  ipAddress: '203.0.113.7',
  headers: { Authorization: [`Bearer ${token({ sub: 'alice', roles: ['Orders.Read', 'Orders.Write'], scp: 'orders.read orders.write' })}`], 'X-Tenant': ['a', 'b'] },
  query: { api_version: ['2'] },
  variables: { jwt: { jwt: { sub: 'alice', oid: 'o-1', iss: 'https://issuer', jti: 'j-1', roles: ['Orders.Read', 'Orders.Write'], scp: 'orders.read orders.write', group: 'finance' } }, flag: true, name: 'x' },
  subscription: { key: 'k-123', id: 's-1' },
  ...over,
});

function run(text: string, req = request()) {
  const parsed = parsePolicyExpression(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.reason}`);
  return evaluatePolicyExpression(parsed.expr, req);
}
const value = (text: string, req?: ExpressionRequest) => {
  const r = run(text, req);
  if (r.kind !== 'value') throw new Error(`${text}: ${r.kind}: ${r.message}`);
  return r.value;
};

describe('policy expressions: each form of the subset, evaluated as APIM runs it', () => {
  it.each([
    ['@(true)', true],
    ['@(false)', false],
    ['@(null)', null],
    ['@("a \\"quoted\\" \\u0041")', 'a "quoted" A'],
    ['@(@"C:\\path ""x""")', 'C:\\path "x"'],
    ['@(context.Request.Method)', 'POST'],
    ['@(context.Request.Url.Path)', '/orders/42'],
    ['@(context.Request.IpAddress)', '203.0.113.7'],
    ['@(context.Subscription?.Key)', 'k-123'],
    ['@(context.Subscription.Id)', 's-1'],
    ['@(context.Request.Method == "POST")', true],
    ['@(context.Request.Method != "POST")', false],
    ['@(context.Request.Method == "post")', false],
    ['@(context.Request.Method.Equals("post", StringComparison.OrdinalIgnoreCase))', true],
    ['@(context.Request.Method.Equals("post"))', false],
    ['@(context.Request.Url.Path.StartsWith("/orders/"))', true],
    ['@(context.Request.Url.Path.ToUpper().StartsWith("/ORDERS"))', true],
    ['@("ABC".ToLower())', 'abc'],
    ['@(!(context.Request.Method == "GET") && (true || false))', true],
    ['@(false || context.Request.Method == "GET")', false],
    ['@(context.Variables["name"] ?? "none")', 'x'],
    ['@(context.Variables.GetValueOrDefault<string>("missing") ?? "none")', 'none'],
    ['@(context.Variables.GetValueOrDefault("missing", "d"))', 'd'],
    ['@(context.Variables.ContainsKey("flag"))', true],
    ['@((bool)context.Variables["flag"])', true],
    ['@(context.Request.Headers.GetValueOrDefault("X-Tenant", ""))', 'a,b'],
    ['@(context.Request.Headers.GetValueOrDefault("x-tenant", ""))', 'a,b'],
    ['@(context.Request.Headers.GetValueOrDefault("X-Absent", "none"))', 'none'],
    ['@(context.Request.Url.Query.GetValueOrDefault("api_version", ""))', '2'],
    ['@(((Jwt)context.Variables["jwt"]).Subject)', 'alice'],
    ['@(((Jwt)context.Variables["jwt"]).Issuer)', 'https://issuer'],
    ['@(((Jwt)context.Variables["jwt"]).Id)', 'j-1'],
    ['@(context.Variables.GetValueOrDefault<Jwt>("jwt").Claims.GetValueOrDefault("oid"))', 'o-1'],
    // Claims.GetValueOrDefault joins an array claim's values with commas (documented).
    ['@(((Jwt)context.Variables["jwt"]).Claims.GetValueOrDefault("roles", ""))', 'Orders.Read,Orders.Write'],
    ['@(((Jwt)context.Variables["jwt"]).Claims.GetValueOrDefault("absent", "none"))', 'none'],
    ['@(((Jwt)context.Variables["jwt"]).Claims["roles"].Contains("Orders.Write"))', true],
    // string[].Contains is a whole element; string.Contains a substring.
    ['@(((Jwt)context.Variables["jwt"]).Claims["roles"].Contains("Orders"))', false],
    ['@(((Jwt)context.Variables["jwt"]).Claims.GetValueOrDefault("roles", "").Contains("Orders"))', true],
    ['@(((Jwt)context.Variables["jwt"]).Claims.GetValueOrDefault("scp", "").Split(\' \').Contains("orders.write"))', true],
    ['@(((Jwt)context.Variables["jwt"]).Claims["group"].First())', 'finance'],
    ['@(context.Request.Headers.GetValueOrDefault("Authorization","").Split(\' \').Last())', token({ sub: 'alice', roles: ['Orders.Read', 'Orders.Write'], scp: 'orders.read orders.write' })],
    ['@(context.Request.Headers.GetValueOrDefault("Authorization","").Split(\' \').Last().AsJwt()?.Subject)', 'alice'],
    ['@(context.Request.Headers.GetValueOrDefault("Authorization","").Split(\' \').First())', 'Bearer'],
    // AsJwt of the whole header ("Bearer …") is not a JWT: null.
    ['@(context.Request.Headers.GetValueOrDefault("Authorization","").AsJwt()?.Subject)', null],
    ['@(context.Request.Headers.GetValueOrDefault("Authorization","").AsJwt()?.Subject ?? "anonymous")', 'anonymous'],
    ['@(true.ToString())', 'True'],
    ['@{ return context.Request.Method == "POST"; }', true],
  ])('%s', (text, expected) => {
    expect(value(text)).toEqual(expected);
  });

  it('a request without a subscription: context.Subscription is null, ?. gives null, ?? the fallback', () => {
    const req = request({ subscription: null });
    expect(value('@(context.Subscription?.Key ?? "none")', req)).toBe('none');
    expect(run('@(context.Subscription.Key)', req)).toMatchObject({ kind: 'error', message: expect.stringContaining('NullReferenceException') });
  });

  it('run-time errors are what APIM raises (then on-error, 500), not values', () => {
    expect(run('@(((Jwt)context.Variables["jwt"]).Claims["absent"].Contains("x"))')).toMatchObject({ kind: 'error', message: expect.stringContaining('KeyNotFoundException') });
    expect(run('@((Jwt)context.Variables["name"])')).toMatchObject({ kind: 'error', message: expect.stringContaining('InvalidCastException') });
    expect(run('@(context.Request.Headers["X-Absent"].First())')).toMatchObject({ kind: 'error' });
    // Short-circuiting: the right operand's error never happens when the left decides.
    expect(value('@(context.Variables.ContainsKey("nope") && ((Jwt)context.Variables["nope"]).Subject == "x")')).toBe(false);
  });

  it.each([
    ['@(new [] {"post", "put"}.Contains(context.Request.Method))', 'object and array creation'],
    ['@(context.Request.Method.Equals("patch=""",StringComparison.OrdinalIgnoreCase))', 'expected ","'],
    ['@(x + 1)', 'the operator "+"'],
    ['@(a < b)', 'the operator "<"'],
    ['@(context.Response.StatusCode >= 200)', 'the operator ">="'],
    ['@($"{context.Request.Method}")', 'interpolated strings'],
    ['@{ var x = 1; return x; }', 'the operator "="'],
    ['@{ if (true) { return 1; } return 2; }', 'multi-statement'],
    ['@(context.Request.Method == "GET" ? "a" : "b")', 'the operator "?"'],
    ['@(Match("a", "b"))', 'calling Match'],
    ['context.Request.Method', 'not a policy expression'],
  ])('refuses to parse %s', (text, reason) => {
    const parsed = parsePolicyExpression(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it.each([
    ['@(context.Api.Name == "x")', 'context.Api'],
    ['@(Regex.IsMatch("a", "b"))', 'the name Regex'],
    ['@(context.Request.OriginalUrl.Host)', 'context.Request.OriginalUrl'],
    ['@(context.Request.Body.As<string>())', 'context.Request.Body'],
    ['@(context.User.Email)', 'context.User'],
    ['@(context.Request.Method.Length)', 'Length on a string'],
    ['@(((Jwt)context.Variables["jwt"]).Audience)', 'Jwt.Audience'],
    ['@(context.Request.Method.Replace("a", "b"))', 'string.Replace'],
    // Outside the subset even where C# would never evaluate it: refused whatever the request.
    ['@(true || context.Api.Name == "x")', 'context.Api'],
    ['@(context.Request.Headers)', 'headers dictionary'],
  ])('refuses to evaluate %s', (text, reason) => {
    const r = run(text);
    expect(r.kind).toBe('unsupported');
    if (r.kind === 'unsupported') expect(r.message).toContain(reason);
  });
});
