import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { findPeerBinary } from '../../gateway-under-test/index.ts';
import { K6_SCRIPT, K6_VERSION_NOTE, k6OperatorManifest, k6RunArguments, parseScenario, preparePlan, type PoolSource, type ScenarioInput } from '../index.ts';

/**
 * The k6 script's logic against a stub of the k6 API: the options it derives from the plan, the
 * token each iteration sends, how it grades answers, and the control calls its event scenarios make.
 */
const k6 = vi.hoisted(() => ({
  calls: [] as Array<{ method: string; url: string; body?: string; params?: { headers?: Record<string, string> } }>,
  answer: ((_auth: string | undefined) => 200) as (auth: string | undefined) => number,
  metrics: {} as Record<string, number>,
  checks: [] as boolean[],
  scenario: { name: 'load', iterationInTest: 0 },
}));

vi.mock('k6', () => ({
  check: (value: unknown, sets: Record<string, (v: unknown) => boolean>) => {
    const ok = Object.values(sets).every((fn) => fn(value));
    k6.checks.push(ok);
    return ok;
  },
}));
vi.mock('k6/data', () => ({ SharedArray: class { constructor(_name: string, fill: () => unknown[]) { return fill(); } } }));
vi.mock('k6/execution', () => ({ default: { get scenario() { return k6.scenario; } } }));
vi.mock('k6/metrics', () => {
  class Metric {
    name: string;
    constructor(name: string) {
      this.name = name;
      k6.metrics[name] = 0;
    }
    add(value: number | boolean) {
      k6.metrics[this.name] += Number(value);
    }
  }
  return { Counter: Metric, Rate: Metric };
});
vi.mock('k6/http', () => {
  const respond = (method: string, url: string, body?: string, params?: { headers?: Record<string, string> }) => {
    k6.calls.push({ method, url, body, params });
    return { status: method === 'GET' ? k6.answer(params?.headers?.Authorization) : 200 };
  };
  return {
    default: {
      get: (url: string, params?: { headers?: Record<string, string> }) => respond('GET', url, undefined, params),
      post: (url: string, body: string, params?: { headers?: Record<string, string> }) => respond('POST', url, body, params),
      put: (url: string, body: string, params?: { headers?: Record<string, string> }) => respond('PUT', url, body, params),
    },
  };
});

const fakeSource: PoolSource = { mint: async (variant, count) => Array.from({ length: count }, (_, i) => `${variant.name}-${i}`) };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function plan(input: Omit<ScenarioInput, 'description'>) {
  const dir = mkdtempSync(join(tmpdir(), 'gatecheck-k6-test-'));
  dirs.push(dir);
  return preparePlan({ scenario: parseScenario({ description: 'k6 test', ...input }), targetUrl: 'http://127.0.0.1:9', control: { idpUrl: 'http://127.0.0.1:7' }, source: fakeSource, dir });
}

type Script = typeof import('../k6/gatecheck-scenario.ts');
async function loadScript(planFile: string): Promise<Script> {
  vi.resetModules();
  const g = globalThis as unknown as { __ENV: Record<string, string>; open: (path: string) => string };
  g.__ENV = { GATECHECK_PLAN: planFile };
  g.open = (path) => readFileSync(path, 'utf8');
  return import('../k6/gatecheck-scenario.ts');
}

beforeEach(() => {
  k6.calls.length = 0;
  k6.checks.length = 0;
});

// k6 is never a required peer (GATECHECK_REQUIRE_PEERS does not apply to it): neither Debian nor npm
// packages a k6 binary, so CI cannot install one. Only the real-k6 test needs it; without it that test
// reports itself skipped with this reason instead of failing or vanishing.
const k6Binary = findPeerBinary('k6');
const K6_MISSING = `k6 binary not on PATH (neither Debian nor npm packages one; ${K6_VERSION_NOTE})`;

describe('k6 script (against a stub of the k6 API, then the real k6 where installed)', () => {
  it('open model with events: constant arrival rate, thresholds, a control scenario per event, and every answer graded', async () => {
    const { planFile } = await plan({
      name: 'k6-mixed',
      tokens: [{ variant: 'valid', count: 3, weight: 3 }, { variant: 'expired', count: 2, weight: 1 }],
      load: { model: 'open', rate: 50, connections: 7 },
      durationSeconds: 2,
      events: [{ action: 'rotate-keys', at: 0.5 }, { action: 'jwks-fault', at: 0.25, for: 0.5 }],
      thresholds: { p99Ms: 100 },
    });
    const script = await loadScript(planFile);
    // Golden: every option k6 gets from this plan, so a change to what k6 runs shows here.
    expect(script.options).toEqual({
      scenarios: {
        load: { executor: 'constant-arrival-rate', exec: 'request', rate: 50, timeUnit: '1s', duration: '2000ms', preAllocatedVUs: 7, maxVUs: 2000 },
        event_0: { executor: 'shared-iterations', exec: 'controlEvent', vus: 1, iterations: 1, startTime: '1000ms', maxDuration: '10s' },
        event_1: { executor: 'shared-iterations', exec: 'controlEvent', vus: 1, iterations: 1, startTime: '500ms', maxDuration: '10s' },
      },
      thresholds: {
        gatecheck_errors: ['rate<=0'],
        gatecheck_valid_refused: ['count==0'],
        gatecheck_bad_accepted: ['count==0'],
        'http_req_duration{scenario:load}': ['p(99)<100'],
      },
      noCookiesReset: true,
      discardResponseBodies: true,
      summaryTrendStats: ['min', 'med', 'p(90)', 'p(99)', 'p(99.9)', 'max'],
    });

    // A gateway that refuses valid-2 and lets expired-1 through: both must be counted, nothing else.
    const answers: Record<string, number> = { 'Bearer valid-0': 200, 'Bearer valid-1': 200, 'Bearer valid-2': 401, 'Bearer expired-0': 401, 'Bearer expired-1': 200 };
    k6.answer = (auth) => answers[auth ?? ''] ?? 500;
    for (let n = 0; n < 40; n++) {
      k6.scenario = { name: 'load', iterationInTest: n };
      script.request();
    }
    const sent = k6.calls.map((c) => c.params?.headers?.Authorization);
    expect(k6.calls.every((c) => c.method === 'GET' && c.url === 'http://127.0.0.1:9/api/orders')).toBe(true);
    expect(sent.filter((a) => a?.startsWith('Bearer valid'))).toHaveLength(30);
    expect(sent.filter((a) => a?.startsWith('Bearer expired'))).toHaveLength(10);
    // Each pool cycles through its tokens in turn, as the embedded engine does.
    expect(sent.filter((a) => a === 'Bearer valid-2')).toHaveLength(10);
    expect(sent.filter((a) => a === 'Bearer expired-1')).toHaveLength(5);
    expect(k6.metrics.gatecheck_valid_refused).toBe(sent.filter((a) => a === 'Bearer valid-2').length);
    expect(k6.metrics.gatecheck_bad_accepted).toBe(sent.filter((a) => a === 'Bearer expired-1').length);
    expect(k6.metrics.gatecheck_valid_refused).toBeGreaterThan(0);
    expect(k6.metrics.gatecheck_bad_accepted).toBeGreaterThan(0);
    expect(k6.metrics.gatecheck_errors).toBe(k6.metrics.gatecheck_valid_refused + k6.metrics.gatecheck_bad_accepted);
    expect(k6.checks.filter((ok) => !ok)).toHaveLength(k6.metrics.gatecheck_errors);

    k6.calls.length = 0;
    k6.scenario = { name: 'event_0', iterationInTest: 0 };
    script.controlEvent();
    k6.scenario = { name: 'event_1', iterationInTest: 0 };
    script.controlEvent();
    expect(k6.calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['POST', 'http://127.0.0.1:7/_admin/tenants/contoso/keys/rotate', '{}'],
      ['PUT', 'http://127.0.0.1:7/_admin/tenants/contoso/faults/jwks', JSON.stringify({ kind: 'down', forSeconds: 1 })],
    ]);
    const summary = script.handleSummary({ metrics: { gatecheck_bad_accepted: { values: { count: 3 } } } });
    expect(Object.keys(summary).sort()).toEqual(['k6-summary.json', 'stdout']);
    expect(summary.stdout).toContain('bad accepted 3');
  });

  it('closed model and saturation: constant VUs; rising arrival-rate stages that abort when p99 breaks', async () => {
    const closed = await loadScript((await plan({ name: 'k6-closed', path: '/pass/x', load: { model: 'closed', connections: 5 }, durationSeconds: 3 })).planFile);
    expect(closed.options.scenarios).toEqual({ load: { executor: 'constant-vus', exec: 'request', vus: 5, duration: '3000ms' } });
    k6.answer = () => 200;
    k6.scenario = { name: 'load', iterationInTest: 0 };
    closed.request();
    expect(k6.calls[0].url).toBe('http://127.0.0.1:9/pass/x');
    expect(k6.calls[0].params?.headers).toBeUndefined();

    const saturation = await loadScript((await plan({
      name: 'k6-saturation',
      tokens: [{ variant: 'valid', count: 2 }],
      load: { model: 'open', rate: 100 },
      saturation: { startRate: 100, factor: 2, stepSeconds: 4, maxSteps: 3, p99Ms: 20 },
    })).planFile);
    expect(saturation.options.scenarios).toEqual({
      load: {
        executor: 'ramping-arrival-rate',
        exec: 'request',
        startRate: 100,
        timeUnit: '1s',
        preAllocatedVUs: 64,
        maxVUs: 2000,
        stages: [
          { target: 100, duration: '1s' },
          { target: 100, duration: '3000ms' },
          { target: 200, duration: '1s' },
          { target: 200, duration: '3000ms' },
          { target: 400, duration: '1s' },
          { target: 400, duration: '3000ms' },
        ],
      },
    });
    expect(saturation.options.thresholds).toEqual({
      gatecheck_errors: ['rate<=0'],
      gatecheck_valid_refused: ['count==0'],
      gatecheck_bad_accepted: ['count==0'],
      'http_req_duration{scenario:load}': [{ threshold: 'p(99)<20', abortOnFail: true, delayAbortEval: '4000ms' }],
    });
  });

  it('k6-operator manifest: a ConfigMap holding script, plan and pools, and a TestRun that runs the script from it', async () => {
    const { planFile, plan: p } = await plan({ name: 'k6-operator', tokens: [{ variant: 'valid', count: 2 }], load: { model: 'open', rate: 10 } });
    const docs = parseAllDocuments(k6OperatorManifest({ planFile, targetUrl: 'http://gateway.test.svc:8080', parallelism: 2 })).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'TestRun']);
    const [configMap, testRun] = docs;
    expect(Object.keys(configMap.data).sort()).toEqual(['gatecheck-scenario.ts', 'plan.json', p.pools[0].file].sort());
    expect(configMap.data['gatecheck-scenario.ts']).toBe(readFileSync(K6_SCRIPT, 'utf8'));
    expect(JSON.parse(configMap.data['plan.json']).targetUrl).toBe('http://gateway.test.svc:8080');
    expect(testRun).toMatchObject({ apiVersion: 'k6.io/v1alpha1', spec: { parallelism: 2, script: { configMap: { name: configMap.metadata.name, file: 'gatecheck-scenario.ts' } } } });
    expect(testRun.spec.arguments).toContain('GATECHECK_PLAN=/test/plan.json');
  });

  it('k6-operator manifest: its header names the k6 that runs the TypeScript script and when the valid tokens expire', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = (claims: object) => `${Buffer.from('{"alg":"RS256","kid":"k"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
    const source: PoolSource = { mint: async (variant, count) => Array.from({ length: count }, () => token({ exp: variant.expect === 'accept' ? exp : exp - 7200 })) };
    const dir = mkdtempSync(join(tmpdir(), 'gatecheck-k6-test-'));
    dirs.push(dir);
    const { planFile } = await preparePlan({
      scenario: parseScenario({ name: 'k6-expiry', description: 'expiry', tokens: [{ variant: 'valid', count: 2 }, { variant: 'expired', count: 1 }], load: { model: 'open', rate: 10 } }),
      targetUrl: 'http://gateway.test:8080',
      source,
      dir,
    });
    const lines = k6OperatorManifest({ planFile }).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '# gatecheck load k6-expiry against http://gateway.test:8080: kubectl apply -f this file where k6-operator runs.',
      `# ${K6_VERSION_NOTE}; the TestRun's runner image decides the k6 version.`,
      // The expired pool's own past exp is no deadline: only tokens meant to pass are.
      `# The tokens a gateway should accept expire at ${new Date(exp * 1000).toISOString()}: apply before then, or generate the manifest again.`,
    ]);
  });

  it('the k6 version decides the run arguments: none from v0.57, experimental_enhanced for v0.52 to v0.56, older refused', () => {
    expect(k6RunArguments('k6 v1.0.0 (commit/41b4984b75, go1.24.2, linux/amd64)')).toEqual([]);
    expect(k6RunArguments('k6 v0.57.0 (go1.23.6, linux/amd64)')).toEqual([]);
    expect(k6RunArguments('k6 v0.56.0 (go1.23.4, linux/amd64)')).toEqual(['--compatibility-mode=experimental_enhanced']);
    expect(k6RunArguments('k6 v0.52.0 (go1.22.4, linux/amd64)')).toEqual(['--compatibility-mode=experimental_enhanced']);
    expect(() => k6RunArguments('k6 v0.51.0 (go1.22.3, linux/amd64)')).toThrow(`the installed k6 is v0.51.0; ${K6_VERSION_NOTE}`);
    expect(k6RunArguments('something else')).toEqual([]);
  });

  it('the README names the k6 that runs the script in the same words as the CLI and this file', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme.includes(K6_VERSION_NOTE), `README.md states: ${K6_VERSION_NOTE}`).toBe(true);
  });

  // Where k6 exists, the same script also runs for real, briefly, against a loopback stub.
  it('runs under the real k6 binary and fails its threshold when a bad token is accepted', async (ctx) => {
    if (!k6Binary) return ctx.skip(K6_MISSING);
    const server = createServer((req, res) => res.writeHead(req.headers.authorization === 'Bearer expired-0' ? 200 : req.headers.authorization?.startsWith('Bearer valid') ? 200 : 401).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const dir = mkdtempSync(join(tmpdir(), 'gatecheck-k6-real-'));
      dirs.push(dir);
      const { planFile } = await preparePlan({
        scenario: parseScenario({ name: 'k6-real', description: 'real', tokens: [{ variant: 'valid', count: 2 }, { variant: 'expired', count: 1 }], load: { model: 'open', rate: 20, connections: 2 }, durationSeconds: 1 }),
        targetUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        source: fakeSource,
        dir,
      });
      let status = 0;
      try {
        const args = k6RunArguments(execFileSync(k6Binary, ['version'], { encoding: 'utf8', timeout: 10_000 }));
        execFileSync(k6Binary, ['run', '--quiet', ...args, '-e', `GATECHECK_PLAN=${planFile}`, '-e', `GATECHECK_SUMMARY=${join(dir, 's.json')}`, K6_SCRIPT], { stdio: 'pipe', timeout: 60_000 });
      } catch (error) {
        status = (error as { status: number }).status;
      }
      expect(status).toBe(99); // thresholds crossed
      const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
      expect(summary.metrics.gatecheck_bad_accepted.values.count).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });
});
