import { randomBytes } from 'node:crypto';
import { inProcessGateway } from './in-process-gateway.ts';

/**
 * Unknown-kid flood (catalogue C10/H07) against the reference pipeline configured with a real IdP's
 * discovery URL, on an injected clock: `kids` tokens, each naming a fresh random kid, spread evenly
 * over `spreadSeconds` of simulated time and sent `concurrency` at a time. The caller counts what
 * reached the IdP (the mock's request log); this returns what the gateway answered.
 */
export interface KidFloodResult {
  kids: number;
  spreadSeconds: number;
  cooldownSeconds: number;
  verdicts: Record<string, number>;
  /** Most JWKS fetches the cooldown allows for the run: the start-up fetch plus one per elapsed cooldown. */
  allowedFetches: number;
}

export async function kidFlood(opts: { issuer: string; discoveryUrl: string; audience: string; kids: number; spreadSeconds: number; concurrency?: number; onProgress?: (sent: number) => void }): Promise<KidFloodResult> {
  let now = Date.now();
  const gw = await inProcessGateway(
    {
      issuers: [{ issuer: opts.issuer, discoveryUrl: opts.discoveryUrl }],
      audiences: [opts.audience],
      routes: [{ path: '/x' }],
      upstream: { url: 'http://127.0.0.1:9' },
      log: { level: 'silent', accessLog: false },
    },
    () => now,
  );
  const cooldownSeconds = gw.runtime.env.config.jwks.unknownKidCooldownSeconds;
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const payload = b64({ iss: opts.issuer, aud: opts.audience, sub: 'flood', exp: Math.floor(now / 1000) + 86_400 * 365 });
  const signature = randomBytes(256).toString('base64url');
  const verdicts: Record<string, number> = {};
  const step = (opts.spreadSeconds * 1000) / opts.kids;
  const concurrency = opts.concurrency ?? 50;
  const start = now;
  try {
    for (let sent = 0; sent < opts.kids; sent += concurrency) {
      const batch = Math.min(concurrency, opts.kids - sent);
      const results = await Promise.all(
        Array.from({ length: batch }, () => gw.check(`${b64({ alg: 'RS256', typ: 'JWT', kid: randomBytes(12).toString('base64url') })}.${payload}.${signature}`)),
      );
      for (const r of results) verdicts[r ?? 'accepted'] = (verdicts[r ?? 'accepted'] ?? 0) + 1;
      now = start + Math.round((sent + batch) * step);
      opts.onProgress?.(sent + batch);
    }
  } finally {
    gw.stop();
  }
  return { kids: opts.kids, spreadSeconds: opts.spreadSeconds, cooldownSeconds, verdicts, allowedFetches: 1 + Math.floor(opts.spreadSeconds / cooldownSeconds) };
}
