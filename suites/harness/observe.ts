import { randomUUID } from 'node:crypto';
import type { MintResult } from '../../mock-idp/index.ts';
import { buildRequest, REQUEST_ID_HEADER } from './build-request.ts';
import type { RequestSpec } from './define-case.ts';
import type { CaseContext } from './run-case.ts';
import type { Observation } from './run-report.ts';
import { sendRequest } from './send-request.ts';

/**
 * Sends one request (from the spec's source address) and records what the harness saw: the exact
 * request, the token, the answer, and what reached the echo upstream under this request's id, with
 * every header line it received. Cases and the baseline proof observe through this one place.
 */
export async function observe(spec: RequestSpec, minted: MintResult | undefined, ctx: CaseContext): Promise<Observation> {
  const requestId = randomUUID();
  const wire = buildRequest(spec, minted?.token, ctx.target.profile, requestId);
  const from = ctx.sources.resolve(spec.from);
  const sent = await sendRequest(ctx.sources.dispatcher(from), ctx.target.baseUrl, wire, ctx.requestTimeoutMs);
  const seen = ctx.target.upstream.received().find((r) => r.headers[REQUEST_ID_HEADER] === requestId);
  return {
    request: { method: wire.method, url: ctx.target.baseUrl + wire.path, headers: wire.headers, ...(wire.body !== undefined ? { body: wire.body } : {}), ...(from ? { from } : {}) },
    ...(minted ? { token: { value: minted.token, header: minted.header, claims: minted.claims } } : {}),
    ...sent,
    upstream: seen ? { method: seen.method, path: seen.path, headers: everyLine(seen.rawHeaders) } : null,
  };
}

/** Header lines by lower-case name, repeated lines joined with ", " in order: none hidden, not even a second Authorization. */
function everyLine(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    out[name] = name in out ? `${out[name]}, ${raw[i + 1]}` : raw[i + 1];
  }
  return out;
}
