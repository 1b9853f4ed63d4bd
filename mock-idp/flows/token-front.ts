import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { failureBody, failureStatus, type EntraFailure } from '../entra/entra-error.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { parseClaimsRequest, type ClaimsRequest } from './claims-request.ts';
import { DEVICE_CODE_GRANT, deviceCodeBook } from './device-codes.ts';
import { setRequestContext } from './request-context.ts';
import { v1AuthorizeQuery, v1TokenForm } from './v1-endpoints.ts';

/** oidc-provider's own limit on form bodies. */
const MAX_FORM_BYTES = 56 * 1024;

type Forward = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

function send(res: ServerResponse, failure: EntraFailure, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(failureBody(failure));
  res.writeHead(failureStatus(failure), { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store, no-cache', pragma: 'no-cache', ...headers });
  res.end(text);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Stopping early must not destroy the request: the answer still goes out on its socket.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '') ? new URLSearchParams(text) : new URLSearchParams();
}

/**
 * The request oidc-provider reads: the same method, headers and socket, at `url`, with `body` as its
 * stream. The front has read the original body, and oidc-provider parses bodies itself.
 */
function withBody(req: IncomingMessage, url: string, body: string): IncomingMessage {
  const bytes = Buffer.from(body);
  const headers = { ...req.headers, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(bytes.length) };
  delete headers['transfer-encoding'];
  const copy = Readable.from([bytes], { objectMode: false });
  return Object.assign(copy, {
    method: req.method,
    url,
    headers,
    rawHeaders: [] as string[],
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    socket: req.socket,
    connection: req.socket,
    complete: true,
    aborted: false,
    trailers: {},
  }) as unknown as IncomingMessage;
}

export interface TokenFrontOptions {
  runtime: TenantRuntime;
  /** 1: `/{tenant}/oauth2/token`; 2: `/{tenant}/oauth2/v2.0/token`. */
  endpointVersion: 1 | 2;
  /** The path segment the client named the tenant by, which oidc-provider's URLs keep. */
  segment: string;
}

/**
 * Every token request passes here before oidc-provider: the `claims` parameter is checked (oidc-provider
 * has no `claims` at its token endpoint), v1 requests become v2 ones, `resource` on v2 is refused as
 * Entra refuses it, and device code polls that come too fast or too late are answered here.
 */
export async function frontTokenRequest(options: TokenFrontOptions, req: IncomingMessage, res: ServerResponse, forward: Forward): Promise<void> {
  const { runtime, endpointVersion, segment } = options;
  if (req.method === 'OPTIONS') {
    // A browser's CORS preflight: oidc-provider answers it.
    req.url = `/${segment}/oauth2/v2.0/token${new URL(req.url ?? '/', 'http://front.invalid').search}`;
    return forward(req, res);
  }
  if (req.method !== 'POST') {
    req.resume();
    return send(res, { code: 900561, error: 'invalid_request', description: `The endpoint only accepts POST, OPTIONS requests. Received a ${req.method} request.` });
  }
  let form = await readForm(req);
  if (!form) {
    // The rest of the body stays unread: close the connection after the answer, or its bytes would be
    // read as the next request on it.
    req.resume();
    return send(res, { code: 9002313, error: 'invalid_request', description: `Invalid request. Request is malformed or invalid: the body exceeds ${MAX_FORM_BYTES} bytes.` }, { connection: 'close' });
  }
  let claims: ClaimsRequest | undefined;
  const rawClaims = form.get('claims');
  if (rawClaims !== null) {
    const parsed = parseClaimsRequest(rawClaims);
    if ('failure' in parsed) return send(res, parsed.failure);
    claims = parsed.claims;
    await issueNotBefore(runtime, claims);
  }
  let resource: string | undefined;
  if (endpointVersion === 2 && form.has('resource')) {
    return send(res, { code: 901002, error: 'invalid_request', description: "The 'resource' request parameter is not supported. The v2 endpoint names the API in scope ({App ID URI}/.default or {App ID URI}/{permission}); resource belongs to the v1 endpoint /oauth2/token." });
  }
  if (endpointVersion === 1) {
    const mapped = v1TokenForm(form);
    if ('failure' in mapped) return send(res, mapped.failure);
    ({ form, resource } = mapped);
  }
  // MSAL polls with `grant_type=device_code`, which Entra takes as RFC 8628's URN.
  if (form.get('grant_type') === 'device_code') form.set('grant_type', DEVICE_CODE_GRANT);
  if (form.get('grant_type') === DEVICE_CODE_GRANT) {
    const refusal = deviceCodeBook(runtime).poll(form.get('device_code') ?? '');
    if (refusal) return send(res, refusal);
  }
  const search = new URL(req.url ?? '/', 'http://front.invalid').search;
  const forwarded = withBody(req, `/${segment}/oauth2/v2.0/token${search}`, form.toString());
  setRequestContext(forwarded, { endpointVersion, resource, claims, clientInfo: form.get('client_info') === '1' });
  return forward(forwarded, res);
}

/** How far ahead a claims challenge's `nbf` may lie for the mock to wait for it rather than ignore it. */
const MAX_NBF_WAIT_SECONDS = 5;

/**
 * A claims challenge after a revocation asks for a token issued no earlier than a moment
 * (`{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}`, Entra
 * app-resilience-continuous-access-evaluation.md). Tokens carry whole seconds, so when that second has
 * not begun yet on the tenant's clock the answer waits for it: the token then satisfies the challenge.
 */
async function issueNotBefore(runtime: TenantRuntime, claims: ClaimsRequest): Promise<void> {
  const nbf = claims.access_token?.nbf;
  const wanted = Number(nbf?.value ?? nbf?.values?.[0]);
  if (!Number.isFinite(wanted)) return;
  const waitMs = (wanted - runtime.clockOffsetSeconds) * 1000 - Date.now();
  if (waitMs > 0 && waitMs <= MAX_NBF_WAIT_SECONDS * 1000) await new Promise((resolve) => setTimeout(resolve, waitMs + 5));
}

/** `GET /{tenant}/oauth2/authorize`: the v1 authorization request, served by the v2 endpoint. */
export function frontV1Authorize(options: Omit<TokenFrontOptions, 'endpointVersion'>, req: IncomingMessage, res: ServerResponse, forward: Forward): Promise<void> | void {
  const url = new URL(req.url ?? '/', 'http://front.invalid');
  const query = v1AuthorizeQuery(options.runtime, url.searchParams);
  req.url = `/${options.segment}/oauth2/v2.0/authorize?${query}`;
  return forward(req, res);
}
