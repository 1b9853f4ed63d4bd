/**
 * Unknown-kid flood (docs/reliability.md §3, catalogue C10/H07): `node scripts/kid-flood.ts [--kids 100000] [--simulated-minutes 60] [--out FILE]`.
 * Starts the mock IdP on loopback, points the in-process reference pipeline at its discovery document,
 * sends tokens naming fresh random kids spread over simulated time (an injected clock), and counts the
 * JWKS and discovery requests in the mock's request log. Exit 1 when fetches exceed one per cooldown.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createMockIdp } from '../mock-idp/index.ts';
import { kidFlood } from '../gateway-under-test/test/reference-support/kid-flood.ts';

const { values } = parseArgs({ options: { kids: { type: 'string', default: '100000' }, 'simulated-minutes': { type: 'string', default: '60' }, out: { type: 'string' } } });
const idp = await createMockIdp({ port: 0 });
try {
  const t = idp.tenant('contoso');
  const started = performance.now();
  const load0 = loadavg()[0];
  const result = await kidFlood({
    issuer: t.issuer,
    discoveryUrl: t.discoveryUrl,
    audience: 'api://orders',
    kids: Number(values.kids),
    spreadSeconds: Number(values['simulated-minutes']) * 60,
    onProgress: (n) => n % 10_000 === 0 && console.log(`  ${n} unknown kids sent, ${idp.control.requests.count({ endpoint: 'jwks' })} JWKS fetches so far`),
  });
  const summary = {
    ...result,
    jwksFetches: idp.control.requests.count({ tenant: 'contoso', endpoint: 'jwks' }),
    discoveryFetches: idp.control.requests.count({ tenant: 'contoso', endpoint: 'discovery' }),
    elapsedSeconds: Math.round((performance.now() - started) / 1000),
    machine: { cpus: cpus().length, loadAverage1mBefore: load0, loadAverage1mAfter: loadavg()[0] },
    node: process.version,
  };
  console.log(JSON.stringify(summary, null, 2));
  if (values.out) writeFileSync(values.out, `${JSON.stringify(summary, null, 2)}\n`);
  process.exitCode = summary.jwksFetches <= result.allowedFetches ? 0 : 1;
} finally {
  await idp.close();
}
