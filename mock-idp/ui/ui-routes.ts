import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ControlState } from '../control/control-state.ts';
import { ENDPOINTS, FAULT_KINDS } from '../control/fault-schema.ts';
import { KEY_STATES, PROFILES } from '../mint/token-recipe.ts';
import { VARIANT_TARGET } from '../mint/variants.ts';
import { findTenant, type TenantRuntime } from '../tenant-runtime.ts';
import { explainToken } from './explain-token.ts';
import { tenantDirectory } from './tenant-directory.ts';
import { workbenchPage } from './workbench-page.ts';

export interface UiContext {
  tenants: TenantRuntime[];
  state: ControlState;
}

/** The oversized variant is 256 KiB; anything far beyond that is not a token worth explaining. */
const MAX_EXPLAIN_BODY_BYTES = 1024 * 1024;

const ExplainRequestSchema = z.strictObject({ token: z.string(), tenant: z.string().min(1).optional() });

/**
 * `/_ui` (the workbench page) and the two things it needs beyond the control API: the tenant
 * directory and token explanations. The router calls this only after the loopback / admin-token check.
 */
export async function handleUi(ctx: UiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://ui.invalid').pathname;
  const method = req.method ?? 'GET';
  if (path === '/_ui' || path === '/_ui/') {
    if (method !== 'GET' && method !== 'HEAD') return sendJson(res, 405, { error: 'method_not_allowed', error_description: `${method} is not allowed on ${path}` }, { allow: 'GET, HEAD' });
    const page = workbenchPage();
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(page.html),
      'content-security-policy': page.csp,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    return void res.end(method === 'HEAD' ? undefined : page.html);
  }
  if (path === '/_ui/api/tenants' && method === 'GET') {
    return sendJson(res, 200, {
      tenants: ctx.tenants.map((rt) => tenantDirectory(rt, ctx.state)),
      profiles: PROFILES,
      keyStates: KEY_STATES,
      endpoints: ENDPOINTS,
      faultKinds: FAULT_KINDS,
      variantTarget: VARIANT_TARGET,
    });
  }
  if (path === '/_ui/api/explain' && method === 'POST') {
    // A JSON content type forces a CORS preflight, so another site's page cannot post here through a loopback browser.
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      req.resume();
      return sendJson(res, 415, { error: 'invalid_request', error_description: 'send the token as application/json: {"token": "…", "tenant": "…"}' });
    }
    const body = await readBody(req);
    if (body === undefined) return sendJson(res, 413, { error: 'request_too_large', error_description: `the body must not exceed ${MAX_EXPLAIN_BODY_BYTES} bytes` });
    let parsed: z.infer<typeof ExplainRequestSchema>;
    try {
      parsed = ExplainRequestSchema.parse(JSON.parse(body));
    } catch {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'the body must be {"token": string, "tenant"?: string}', field: 'token' });
    }
    const rt = parsed.tenant ? findTenant(ctx.tenants, parsed.tenant) : ctx.tenants[0];
    if (!rt) return sendJson(res, 404, { error: 'invalid_tenant', error_description: `unknown tenant ${parsed.tenant}` });
    return sendJson(res, 200, explainToken(parsed.token, rt));
  }
  return sendJson(res, 404, { error: 'not_found', error_description: `no workbench route ${method} ${path}` });
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_EXPLAIN_BODY_BYTES) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}
