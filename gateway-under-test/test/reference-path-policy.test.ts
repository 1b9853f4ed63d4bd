import { resolve } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../reference/config.ts';
import { listen } from '../reference/listen.ts';
import { normalisePath } from '../reference/route-table.ts';
import { createReferenceServer, type ReferenceServer } from '../reference/server.ts';
import { startEchoUpstream, type EchoUpstream } from './reference-support/echo-upstream.ts';
import { rsaKey } from './reference-support/key-fixture.ts';
import { rawExchange } from './reference-support/raw-http.ts';

/**
 * The reference gateway's path policy (SECURITY.md): the route is matched on the normalised path and the
 * normalised path is what the upstream receives; a path whose meaning depends on who decodes it is
 * refused with 400. Tokenless requests over raw sockets, through both fronts, so nothing between the
 * test and the gateway rewrites the request target.
 */
const key = rsaKey('k1');
let upstream: EchoUpstream;
const fronts: { name: string; gw: ReferenceServer; port: number }[] = [];

beforeAll(async () => {
  upstream = await startEchoUpstream();
  for (const fastFront of [true, false]) {
    const gw = createReferenceServer(
      parseGatewayConfig({
        listen: { port: 0 },
        admin: false,
        issuers: [{ issuer: 'https://issuer.gatecheck.test', keys: [key.jwk] }],
        audiences: ['api://orders'],
        routes: [
          { path: '/health', methods: ['GET'], auth: 'anonymous' },
          { path: '/public*', methods: ['GET'], auth: 'anonymous' },
          { path: '/api/orders*', methods: ['GET'] },
        ],
        upstream: { url: upstream.url },
        log: { level: 'silent', accessLog: false },
        http: { fastFront },
      }),
    );
    await gw.runtime.start();
    fronts.push({ name: fastFront ? 'fast front' : 'node:http', gw, port: await listen(gw.server, '127.0.0.1', 0) });
  }
});
afterAll(async () => {
  for (const f of fronts) await f.gw.close();
  await upstream?.close();
});

async function ask(port: number, target: string): Promise<{ status: number | null; reached: string[] }> {
  const before = upstream.seen.length;
  const r = await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n`);
  return { status: r.status, reached: upstream.seen.slice(before).map((s) => s.url) };
}

/** [request target, what must happen]: a status with nothing forwarded, or the exact path the upstream receives. */
const POLICY: [target: string, outcome: 400 | 401 | 404 | { forwarded: string }][] = [
  // Encoded slash or backslash: one backend reads a segment, another a separator (CVE-2021-29492).
  ['/public/..%2fapi/orders', 400],
  ['/public/..%2Fapi/orders', 400],
  ['/health/..%2fapi/orders', 400],
  ['/public/..%5capi/orders', 400],
  ['/public/%2e%2e%2fapi/orders', 400],
  ['/public/a%2Fb', 400],
  // Raw backslash: not a URI character (RFC 3986 §2), a separator to Windows backends.
  ['/public\\..\\api/orders', 400],
  // Double encoding: a second decoder turns %252e into a dot (CVE-2021-42013).
  ['/public/%252e%252e/api/orders', 400],
  ['/public/..%252fapi/orders', 400],
  // Path parameters on a dot segment: Tomcat and Spring read `..;` as `..` (CVE-2020-1957).
  ['/public/..;/api/orders', 400],
  ['/public/.well-known/../../api/orders', 401],
  ['/public/..%3b/api/orders', 400],
  ['/public/.;x/a', 400],
  // NUL and other controls, encoded: C-string backends truncate, others inject.
  ['/public/x%00/../../api/orders', 400],
  ['/public/a%0d%0aX-Injected:%20yes', 400],
  // Not a percent-encoding at all (RFC 3986 §2.1).
  ['/public/%zz', 400],
  ['/public/%2', 400],
  // Dot segments, plain or with encoded unreserved characters, are resolved before routing (RFC 3986 §5.2.4, §6.2.2.2).
  ['/public/../api/orders', 401],
  ['/public/%2e%2e/api/orders', 401],
  ['/public/.%2E/api/orders', 401],
  ['/health/../api/orders', 401],
  ['//api/orders', 401],
  ['/%61pi/orders', 401],
  ['/API/orders', 404],
  // Absolute-form (RFC 9112 §3.2.2): the path of the target is what is routed.
  ['http://gw.test/api/orders', 401],
  ['http://gw.test/public/x?q=1', { forwarded: '/public/x?q=1' }],
  // What stays: normalised paths go upstream as they were routed.
  ['/public/a/./b/../c', { forwarded: '/public/a/c' }],
  ['/public/%7Euser/a%2eb', { forwarded: '/public/~user/a.b' }],
  ['/public/a;v=1/b', { forwarded: '/public/a;v=1/b' }],
  ['/public/a%3fb/caf%c3%a9', { forwarded: '/public/a%3Fb/caf%C3%A9' }],
  ['/public/100%25', { forwarded: '/public/100%25' }],
  ['/public/x?next=..%2f..%2fapi', { forwarded: '/public/x?next=..%2f..%2fapi' }],
];

describe('path policy: route on the normalised path, forward the normalised path, refuse what decoders read differently', () => {
  for (const [target, outcome] of POLICY) {
    it(`${target} → ${typeof outcome === 'number' ? outcome : `forwarded as ${outcome.forwarded}`}, on both fronts`, async () => {
      for (const f of fronts) {
        const r = await ask(f.port, target);
        if (typeof outcome === 'number') {
          expect({ front: f.name, status: r.status, reached: r.reached }).toEqual({ front: f.name, status: outcome, reached: [] });
        } else {
          expect({ front: f.name, status: r.status, reached: r.reached }).toEqual({ front: f.name, status: 200, reached: [outcome.forwarded] });
        }
      }
    });
  }
});

/** Paths other servers derive from a forwarded path: decoded once or until stable, `\` as `/`, `;` parameters dropped, dot segments removed. */
function readings(path: string): string[] {
  const decodeOnce = (p: string) => p.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  let repeated = path;
  for (let i = 0; i < 4; i++) repeated = decodeOnce(repeated);
  const out = new Set<string>();
  for (const p of [path, decodeOnce(path), repeated]) {
    for (const q of [p, p.replaceAll('\\', '/'), p.replaceAll('\\', '/').replace(/;[^/]*/g, '')]) {
      out.add(removeDotSegments(q.split('\u0000')[0]));
    }
  }
  return [...out];
}

/** RFC 3986 §5.2.4 over `/`-separated segments, `//` merged as most servers do. */
function removeDotSegments(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/').slice(1)) {
    if (segment === '..') out.pop();
    else if (segment !== '.' && segment !== '') out.push(segment);
  }
  return `/${out.join('/')}${/\/\.{0,2}$/.test(path) && out.length ? '/' : ''}`;
}

describe('path policy: no forwarded path leaves its anonymous route for any reader (property, through the gateway)', () => {
  // Behind an anonymous route, climb with dot segments and separators in every spelling, then name /api.
  const climb = fc.array(
    fc.tuple(fc.constantFrom('..', '.%2e', '%2E%2e', '..;', '..%3b', '%252e%252e', '.', 'x', ''), fc.constantFrom('/', '%2f', '%2F', '%5c', '\\', '%252f', ';/', '%00/', '//')),
    { minLength: 1, maxLength: 4 },
  );
  const path = fc
    .tuple(fc.constantFrom('/public/', '/health/', '/public', '/'), climb, fc.constantFrom('api/orders', 'api', '%61pi/orders', 'API/orders'))
    .map(([start, steps, target]) => start + steps.map(([dots, sep]) => dots + sep).join('') + target);

  it('a tokenless request is refused, or reaches the upstream on a path every reader keeps out of /api', async () => {
    await fc.assert(
      fc.asyncProperty(path, fc.constantFrom(0, 1), async (p, which) => {
        const f = fronts[which];
        const r = await ask(f.port, p);
        for (const forwarded of r.reached) {
          const escaped = readings(forwarded.split('?')[0]).filter((q) => q === '/api' || q.startsWith('/api/'));
          expect(escaped, `${f.name}: ${p} forwarded as ${forwarded}`).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("normalisePath against Node's RFC 3986 resolver (differential)", () => {
  // url.resolve, the legacy resolver, removes dot segments as RFC 3986 §5.2.4 does; it leaves %2e alone,
  // so the oracle gets the encoded dots decoded (RFC 3986 §6.2.2.2), and merges `//` as the policy does.
  const oracle = (raw: string) => resolve('http://gateway.invalid/', raw.replace(/%2e/gi, '.').replace(/^\/+/, '/')).slice('http://gateway.invalid'.length).replace(/\/{2,}/g, '/');
  const segment = fc.constantFrom('a', 'b', '', '.', '..', '%2e', '%2E', '.%2e', '%2e.', '%2e%2e', 'a.', '.a', '..a', '.well-known');

  it('resolves dot segments, plain or encoded, as RFC 3986 §5.2.4 does', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), (segments) => {
        const raw = `/${segments.join('/')}`;
        expect(normalisePath(raw)).toBe(oracle(raw));
      }),
      { numRuns: 3000 },
    );
  });

  it('resolves dot segments after a segment that starts with a dot (WHATWG URL in Node 22 leaves them)', () => {
    expect(normalisePath('/public/.well-known/../../api/orders')).toBe('/api/orders');
    expect(normalisePath('/a/.b/../c')).toBe('/a/c');
  });
});
