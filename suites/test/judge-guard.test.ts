import { describe, expect, it } from 'vitest';
import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { Expectation } from '../harness/define-case.ts';
import { judgeGuard } from '../harness/judge-guard.ts';
import { pathReadings } from '../harness/path-readings.ts';
import type { Observation } from '../harness/run-report.ts';

const read = { values: ['Read'], claims: ['roles', 'scp'], match: 'any' as const, separator: ' ' };
const write = { values: ['Write'], claims: ['roles', 'scp'], match: 'any' as const, separator: ' ' };
const profile = {
  routes: [
    { path: '/open*', methods: ['GET'], auth: 'anonymous', forwardAuthorization: false },
    { path: '/api/items*', methods: ['GET'], auth: 'required', require: read, forwardAuthorization: false },
    { path: '/api/items*', methods: ['POST'], auth: 'required', require: write, forwardAuthorization: false },
  ],
  token: { claimValues: [] },
} as unknown as TargetProfile;

const arrived = (path: string, headers: Record<string, string> = {}, index = 0, method = 'GET'): Observation => ({
  request: { method: 'GET', url: 'http://gw', headers: [] },
  upstream: null,
  arrivals: [{ index, method, path, headers }],
});
const guard = (readings: NonNullable<Expectation['guard']>['readings'] = [], tokenOn?: number[]): Expectation => ({ outcome: 'either', guard: { readings, ...(tokenOn ? { tokenOn } : {}) } });

describe('pathReadings', () => {
  it('always reads RFC 3986: encoded unreserved characters decoded, dot segments removed, and with // merged', () => {
    expect(pathReadings('/open/%2e%2e/api/items?x=1')).toContain('/api/items');
    expect(pathReadings('/%61pi/items')).toContain('/api/items');
    expect(pathReadings('/open//../api/items')).toContain('/api/items');
    expect(pathReadings('http://host/api/items')).toContain('/api/items');
    expect(pathReadings('/open/..%2fapi/items')).not.toContain('/api/items');
  });

  it('adds each reading a case names', () => {
    expect(pathReadings('/open/..%2fapi/items', ['decode'])).toContain('/api/items');
    expect(pathReadings('/open/%252e%252e/api/items', ['decode'])).not.toContain('/api/items');
    expect(pathReadings('/open/%252e%252e/api/items', ['decode-repeatedly'])).toContain('/api/items');
    expect(pathReadings('/open/..;/api/items', ['path-parameters'])).toContain('/api/items');
    expect(pathReadings('/open/..\\api/items', ['backslash'])).toContain('/api/items');
    expect(pathReadings('/api./items', ['trailing-dots'])).toContain('/api/items');
  });
});

describe('judgeGuard', () => {
  it('fails a request without a token that a backend can read as a protected path, naming the reading', () => {
    const findings = judgeGuard(guard(['decode']), arrived('/open/..%2fapi/items'), profile, null);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/received GET \/open\/\.\.%2fapi\/items, which a backend can read as GET \/api\/items: route GET \/api\/items\* requires authorisation and it carried no validated token/);
  });

  it('lets through what stays on an anonymous route under every reading, or was refused', () => {
    expect(judgeGuard(guard(['decode', 'backslash', 'path-parameters']), arrived('/open/a/b'), profile, null)).toEqual([]);
    expect(judgeGuard(guard(['decode']), { request: { method: 'GET', url: 'http://gw', headers: [] }, upstream: null, arrivals: [] }, profile, null)).toEqual([]);
  });

  it('lets an authorised request reach its route, and fails it on a route its token does not meet', () => {
    expect(judgeGuard(guard([]), arrived('/api/items/7'), profile, { roles: ['Read'] })).toEqual([]);
    const over = judgeGuard(guard(['overrides']), arrived('/api/items/7', { 'x-http-method-override': 'POST' }), profile, { roles: ['Read'] });
    expect(over).toHaveLength(1);
    expect(over[0]).toMatch(/as POST \/api\/items\/7 \(method override POST\).*its token does not meet any of Write in roles\/scp/);
    expect(judgeGuard(guard(['overrides']), arrived('/api/items/7?_method=DELETE'), profile, { roles: ['Read'] })[0]).toMatch(/method override to DELETE, which the contract allows on no route/);
  });

  it('counts the token only on the request ids that carried it: a smuggled request without one fails', () => {
    const smuggled = arrived('/api/items', {}, 1);
    expect(judgeGuard(guard([], [0]), smuggled, profile, { roles: ['Read'] })[0]).toMatch(/\(request id 1\).*carried no validated token/);
    expect(judgeGuard(guard([], [0, 1]), smuggled, profile, { roles: ['Read'] })).toEqual([]);
  });

  it('fails what the upstream parser refused around the ids, and what the client could not frame', () => {
    const obs: Observation = { ...arrived('/open'), upstreamParseErrors: ['HPE_INVALID_TRANSFER_ENCODING x'], rawResponse: { received: '', statuses: [], error: 'HPE_INVALID_CONSTANT y', closedByServer: false } };
    const findings = judgeGuard({ outcome: 'either', guard: {}, clientFraming: true }, obs, profile, null);
    expect(findings.map((f) => f.slice(0, 40))).toEqual(["the upstream's HTTP parser (llhttp) refu", "the client's HTTP parser (llhttp) cannot"]);
  });
});
