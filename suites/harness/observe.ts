import { randomUUID } from 'node:crypto';
import type { MintResult } from '../../mock-idp/index.ts';
import { buildRequest, REQUEST_ID_HEADER } from './build-request.ts';
import type { RequestSpec } from './define-case.ts';
import type { RecordedRequest } from './echo-upstream.ts';
import { fillRaw } from './raw-request.ts';
import type { CaseContext } from './run-case.ts';
import type { Observation } from './run-report.ts';
import { sendRaw } from './send-raw.ts';
import { sendRequest } from './send-request.ts';

/** Reports show this much of what a raw connection received. */
const MAX_RECEIVED_CHARS = 4096;
/** A raw exchange waits at most this long, however long the run lets a request take: a gateway waiting for bytes that never come is an answer too. */
const MAX_RAW_MS = 5000;

/**
 * Sends one request (from the spec's source address) and records what the harness saw: the exact
 * request, the token, the answer, and what reached the echo upstream under this request's id, with
 * every header line it received. Cases and the baseline proof observe through this one place.
 */
export async function observe(spec: RequestSpec, minted: MintResult | undefined, ctx: CaseContext): Promise<Observation> {
  if (spec.raw !== undefined) return observeRaw(spec, minted, ctx);
  const requestId = randomUUID();
  const wire = buildRequest(spec, minted?.token, ctx.target.profile, requestId);
  const sub = ctx.target.subscriptionKey;
  if (sub && !wire.headers.some(([n]) => n.toLowerCase() === sub.header.toLowerCase())) wire.headers.push([sub.header, sub.key]);
  const from = ctx.sources.resolve(spec.from);
  const sent = await sendRequest(ctx.sources.dispatcher(from), ctx.target.baseUrl, wire, ctx.requestTimeoutMs);
  const seen = ctx.target.upstream.received().find((r) => r.headers[REQUEST_ID_HEADER] === requestId);
  const upstream = seen ? { method: seen.method, path: seen.path, headers: everyLine(seen.rawHeaders) } : null;
  return {
    request: { method: wire.method, url: ctx.target.baseUrl + wire.path, headers: wire.headers, ...(wire.body !== undefined ? { body: wire.body } : {}), ...(from ? { from } : {}) },
    ...(minted ? { token: { value: minted.token, header: minted.header, claims: minted.claims } } : {}),
    ...sent,
    upstream,
    ...(upstream ? { arrivals: [{ index: 0, ...upstream }] } : {}),
  };
}

/**
 * A raw exchange: the bytes on a fresh connection, the answers as llhttp frames them, every request
 * the upstream received with one of the exchange's ids (a smuggled one too), and what the upstream's
 * parser refused in bytes that held one of them.
 */
async function observeRaw(spec: RequestSpec, minted: MintResult | undefined, ctx: CaseContext): Promise<Observation> {
  const base = new URL(ctx.target.baseUrl);
  const filled = fillRaw(spec.raw!, { token: minted?.token, host: base.host });
  const { ids } = filled;
  // A subscribed client's key, as the last field line of the first message: the bytes the case wrote
  // stay as they are, and a message further on (pipelined or smuggled) goes without it, as an attacker's may.
  const sub = ctx.target.subscriptionKey;
  const end = filled.text.indexOf('\r\n\r\n');
  const text = sub && end >= 0 ? `${filled.text.slice(0, end)}\r\n${sub.header}: ${sub.key}${filled.text.slice(end)}` : filled.text;
  const methods = spec.rawMethods ?? ['GET'];
  const from = ctx.sources.resolve(spec.from);
  const exchange = await sendRaw({
    host: base.hostname,
    port: Number(base.port || 80),
    bytes: Buffer.from(text, 'latin1'),
    methods,
    timeoutMs: Math.min(ctx.requestTimeoutMs, MAX_RAW_MS),
    ...(from ? { localAddress: from } : {}),
  });
  const arrivals: NonNullable<Observation['arrivals']> = [];
  for (const r of ctx.target.upstream.received()) {
    const id = requestIdOf(r);
    const index = id ? ids.indexOf(id) : -1;
    if (index !== -1) arrivals.push({ index, method: r.method, path: r.path, headers: everyLine(r.rawHeaders) });
  }
  const arrived = new Set(arrivals.map((a) => ids[a.index]));
  const upstreamParseErrors = ctx.target.upstream
    .connections()
    .filter((c) => c.parseError && ids.some((id) => id && c.raw.includes(id) && !arrived.has(id)))
    .map((c) => c.parseError!);
  const first = exchange.stream.responses[0];
  const primary = arrivals.find((a) => a.index === 0);
  return {
    request: { method: methods[0], url: ctx.target.baseUrl + (spec.path ?? ''), headers: [], raw: text, ...(from ? { from } : {}) },
    ...(minted ? { token: { value: minted.token, header: minted.header, claims: minted.claims } } : {}),
    ...(first
      ? { response: { status: first.status, headers: headerMap(first.rawHeaders), body: first.body, latencyMs: exchange.latencyMs } }
      : { transportError: exchange.closedByServer ? 'connection closed without an answer' : `no answer within ${Math.min(ctx.requestTimeoutMs, MAX_RAW_MS)} ms` }),
    upstream: primary ? { method: primary.method, path: primary.path, headers: primary.headers } : null,
    rawResponse: {
      received: exchange.received.length > MAX_RECEIVED_CHARS ? `${exchange.received.slice(0, MAX_RECEIVED_CHARS)}… (${exchange.received.length} chars)` : exchange.received,
      statuses: exchange.stream.responses.map((r) => r.status),
      ...(exchange.stream.error ? { error: exchange.stream.error } : {}),
      closedByServer: exchange.closedByServer,
      requests: methods.length,
    },
    arrivals,
    ...(upstreamParseErrors.length ? { upstreamParseErrors } : {}),
  };
}

/** The request id a recorded request carries (node:http joins a repeated header, so read the raw lines). */
function requestIdOf(r: RecordedRequest): string | undefined {
  for (let i = 0; i + 1 < r.rawHeaders.length; i += 2) if (r.rawHeaders[i].toLowerCase() === REQUEST_ID_HEADER) return r.rawHeaders[i + 1];
  return undefined;
}

function headerMap(raw: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const prior = out[name];
    out[name] = prior === undefined ? raw[i + 1] : [...(Array.isArray(prior) ? prior : [prior]), raw[i + 1]];
  }
  return out;
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
