import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { AdminError } from '../control/admin-error.ts';
import { failureBody, type EntraFailure } from '../entra/entra-error.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { deviceCodeBook } from './device-codes.ts';

const MAX_BODY_BYTES = 64 * 1024;
const ApproveSchema = z.strictObject({ user: z.string().min(1) });

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      throw new AdminError(413, 'request_too_large', `the body must not exceed ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text || 'null');
  } catch (e) {
    throw new AdminError(400, 'invalid_request', `the body is not JSON (${(e as Error).message})`, { field: '' });
  }
}

function refuse(status: number, failure: EntraFailure): never {
  throw new AdminError(status, failure.error, failure.description, { body: failureBody(failure) as unknown as Record<string, unknown> });
}

/**
 * `/_admin/tenants/{tenant}/device-codes…`: the browser half of the device code flow, headless.
 *   GET                          the tenant's device codes (user code, client, scope, expiry, status)
 *   POST {user_code}/approve     `{"user": "alice@contoso.example"}` signs the user in and consents
 *   POST {user_code}/deny        the user declines; the device's next poll gets authorization_declined
 * A refusal carries Entra's AADSTS body (unknown code 70018, expired 70020, already decided 90120).
 */
export async function deviceCodeRoute(runtime: TenantRuntime, method: string, rest: string[], req: IncomingMessage): Promise<{ status?: number; json: unknown }> {
  const book = deviceCodeBook(runtime);
  const only = (...allowed: string[]) => {
    if (!allowed.includes(method)) throw new AdminError(405, 'method_not_allowed', `${method} is not allowed here`, { field: allowed.join(', ') });
  };
  if (rest.length === 0) {
    only('GET');
    return { json: { tenant: runtime.tenant.name, intervalSeconds: book.settings.intervalSeconds, deviceCodes: book.list() } };
  }
  const [userCode, action] = rest;
  if (rest.length !== 2 || (action !== 'approve' && action !== 'deny')) {
    throw new AdminError(404, 'not_found', 'device-codes routes: GET …/device-codes, POST …/device-codes/{user_code}/approve or …/deny');
  }
  only('POST');
  if (action === 'deny') {
    const denied = await book.deny(userCode);
    if ('failure' in denied) refuse(denied.status, denied.failure);
    return { json: { deviceCode: denied.view } };
  }
  const parsed = ApproveSchema.safeParse(await readJson(req));
  if (!parsed.success) throw new AdminError(400, 'invalid_request', 'the body must be {"user": "<upn or object id>"}', { field: 'user' });
  const approved = await book.approve(runtime, userCode, parsed.data.user);
  if ('failure' in approved) refuse(approved.status, approved.failure);
  return { json: { deviceCode: approved.view } };
}
