import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { JwksCache, type JwksCacheOptions } from '../reference/jwks-cache.ts';
import { ecKey, rsaKey } from './reference-support/key-fixture.ts';
import { startJwksServer, type JwksServer } from './reference-support/jwks-server.ts';

const OPTIONS: JwksCacheOptions = {
  refreshSeconds: 3600,
  unknownKidCooldownSeconds: 300,
  staleIfErrorSeconds: 600,
  failedRetrySeconds: 30,
  timeoutMs: 1000,
  maxBytes: 1_048_576,
  maxKeys: 100,
  minRsaBits: 2048,
};

const k1 = rsaKey('k1');
const k2 = rsaKey('k2');
const servers: JwksServer[] = [];
const caches: JwksCache[] = [];

afterEach(async () => {
  for (const c of caches.splice(0)) c.stop();
  for (const s of servers.splice(0)) await s.close();
});

async function setup(keys = [k1.jwk], options: Partial<JwksCacheOptions> = {}, via: 'jwks' | 'discovery' = 'jwks') {
  const idp = await startJwksServer(keys);
  servers.push(idp);
  let t = 1_000_000;
  const clock = { now: () => t, advance: (s: number) => (t += s * 1000) };
  const removed: string[] = [];
  const cache = new JwksCache(
    via === 'jwks' ? { issuer: idp.issuer, jwksUri: idp.jwksUri } : { issuer: idp.issuer, discoveryUrl: idp.discoveryUrl },
    { ...OPTIONS, ...options },
    { onKeysRemoved: (r) => removed.push(...r.map((x) => x.kid!)) },
    clock.now,
  );
  caches.push(cache);
  return { idp, cache, clock, removed };
}

describe('JWKS cache', () => {
  it('loads keys through OIDC discovery and follows its jwks_uri (OpenID Connect Discovery §3)', async () => {
    const { cache, idp } = await setup([k1.jwk], {}, 'discovery');
    await cache.start();
    expect(cache.lookup('k1')).toBeDefined();
    expect(idp.discoveryFetches).toBe(1);
    expect(idp.jwksFetches).toBe(1);
  });

  it('refuses a discovery document whose issuer differs from the configured one (RFC 8414 §3.3, catalogue H08)', async () => {
    const { cache, idp } = await setup([k1.jwk], {}, 'discovery');
    idp.discoveryIssuer = `${idp.issuer}/`;
    await cache.start();
    expect(cache.hasKeys()).toBe(false);
    expect(cache.lastError).toMatch(/issuer/);
    expect(idp.jwksFetches).toBe(0);
  });

  it('ignores private and symmetric keys, weak RSA keys and keys for encryption', async () => {
    const weak = rsaKey('weak', 'RS256', 1024);
    const priv = { ...(k2.privateKey.export({ format: 'jwk' }) as object), kid: 'private' };
    const { cache } = await setup([k1.jwk, priv, { kty: 'oct', k: 'c2VjcmV0', kid: 'oct' }, weak.jwk, { ...k2.jwk, kid: 'enc', use: 'enc' }]);
    await cache.start();
    expect(cache.keys().map((k) => k.kid)).toEqual(['k1']);
  });

  it('answers an unknown kid with at most one refetch per cooldown, however many are asked (catalogue H07)', async () => {
    const { cache, idp, clock } = await setup();
    await cache.start();
    const results = await Promise.all(Array.from({ length: 1000 }, () => cache.refreshForUnknownKid()));
    expect(results.every((r) => r === false)).toBe(true);
    expect(idp.jwksFetches).toBe(1);
    clock.advance(301);
    const again = await Promise.all(Array.from({ length: 1000 }, () => cache.refreshForUnknownKid()));
    expect(idp.jwksFetches).toBe(2);
    expect(again.filter(Boolean).length).toBe(1000); // all joined the single fetch in flight
  });

  it('picks up a rotated-in key after the cooldown and drops a removed one (catalogue H05, H06)', async () => {
    const { cache, idp, clock, removed } = await setup();
    await cache.start();
    idp.keys = [k2.jwk];
    clock.advance(301);
    await cache.refreshForUnknownKid();
    expect(cache.lookup('k2')).toBeDefined();
    expect(cache.lookup('k1')).toBeUndefined();
    expect(removed).toEqual(['k1']);
  });

  it('keeps the same key record across refreshes when a key did not change', async () => {
    const { cache, clock } = await setup();
    await cache.start();
    const before = cache.lookup('k1');
    clock.advance(3601);
    await cache.refresh();
    expect(cache.lookup('k1')).toBe(before);
    expect(before!.active).toBe(true);
  });

  it('keeps serving cached keys while the IdP is down, until the stale-if-error limit (catalogue H02)', async () => {
    const { cache, idp, clock } = await setup([k1.jwk], { refreshSeconds: 60, staleIfErrorSeconds: 120 });
    await cache.start();
    idp.mode = 'down';
    clock.advance(61);
    expect(await cache.refresh()).toBe(false);
    expect(cache.lookup('k1')).toBeDefined();
    clock.advance(100);
    expect(cache.hasKeys()).toBe(true);
    clock.advance(20);
    expect(cache.hasKeys()).toBe(false);
    expect(cache.lookup('k1')).toBeUndefined();
  });

  it('never replaces good keys with a garbage document (catalogue H04)', async () => {
    const { cache, idp, clock } = await setup();
    await cache.start();
    for (const bad of ['garbage', (_q: unknown, res: import('node:http').ServerResponse) => res.end('{"keys":{}}'), (_q: unknown, res: import('node:http').ServerResponse) => res.end('{"keys":[{"kty":"oct","k":"AAAA"}]}')] as const) {
      idp.mode = bad as JwksServer['mode'];
      clock.advance(301);
      expect(await cache.refresh()).toBe(false);
      expect(cache.lookup('k1')).toBeDefined();
    }
  });

  it('makes one request for concurrent refreshes (single-flight)', async () => {
    const { cache, idp } = await setup();
    idp.mode = { delayMs: 100 };
    await Promise.all([cache.start(), cache.refresh(), cache.ensureKeys(), cache.refresh()]);
    expect(idp.jwksFetches).toBe(1);
  });

  it('gives up on a slow JWKS after the timeout (catalogue H03)', async () => {
    const { cache, idp } = await setup([k1.jwk], { timeoutMs: 200 });
    idp.mode = { delayMs: 2000 };
    const started = Date.now();
    await cache.start();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(cache.hasKeys()).toBe(false);
    expect(cache.lastError).toMatch(/timed out/);
  });

  it('refuses a redirect to another origin but follows one on the same origin', async () => {
    const other = await startJwksServer([k2.jwk]);
    servers.push(other);
    const { cache, idp } = await setup();
    idp.mode = { redirect: other.jwksUri };
    await cache.start();
    expect(cache.hasKeys()).toBe(false);
    expect(cache.lastError).toMatch(/cross-origin/);
    expect(other.jwksFetches).toBe(0);
    idp.mode = 'ok';
    const same = await setup();
    same.idp.mode = (req, res) => (req.url === '/keys' ? res.writeHead(302, { location: '/keys-moved' }).end() : res.end(JSON.stringify({ keys: [k1.jwk] })));
    await same.cache.start();
    expect(same.cache.lookup('k1')).toBeDefined();
  });

  it('refuses a JWKS larger than maxBytes (catalogue H13)', async () => {
    const { cache, idp } = await setup([k1.jwk], { maxBytes: 2000 });
    idp.keys = Array.from({ length: 20 }, (_, i) => ({ ...k1.jwk, kid: `k${i}` }));
    await cache.start();
    expect(cache.hasKeys()).toBe(false);
    expect(cache.lastError).toMatch(/larger than/);
  });

  it('backs off after a failure instead of fetching on every request (catalogue H01)', async () => {
    const { cache, idp, clock } = await setup([k1.jwk], { failedRetrySeconds: 30 });
    idp.mode = 'down';
    await cache.start();
    for (let i = 0; i < 50; i++) expect(await cache.ensureKeys()).toBe(false);
    expect(idp.jwksFetches).toBe(1);
    idp.mode = 'ok';
    clock.advance(31);
    expect(await cache.ensureKeys()).toBe(true);
  });

  it('serves static keys without fetching and accepts EC keys', async () => {
    const ec = ecKey('ec');
    const cache = new JwksCache({ issuer: 'https://static', keys: [ec.jwk] }, OPTIONS);
    await cache.start();
    expect(cache.lookup('ec')?.curve).toBe('P-256');
  });

  it('does not follow a JWKS URL to a server that never answers past the timeout', async () => {
    const hang = createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    try {
      const cache = new JwksCache({ issuer: 'x', jwksUri: `http://127.0.0.1:${(hang.address() as AddressInfo).port}/keys` }, { ...OPTIONS, timeoutMs: 150 });
      caches.push(cache);
      await cache.start();
      expect(cache.hasKeys()).toBe(false);
    } finally {
      hang.closeAllConnections();
      await new Promise<void>((r) => hang.close(() => r()));
    }
  });
});
