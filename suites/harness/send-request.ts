import type { Dispatcher } from 'undici';
import type { WireRequest } from './build-request.ts';
import { HarnessError } from './harness-error.ts';
import type { Observation } from './run-report.ts';

/** Bodies are for diagnostics; a gateway answering megabytes must not bloat the report. */
const MAX_BODY_CHARS = 4096;

export type Sent = Pick<Observation, 'response' | 'transportError'>;

/**
 * Sends one request byte for byte: the raw path (no URL normalisation, so `/a/../b` stays as written),
 * header lines in order with duplicates. A refused connection means the target is gone, which is the
 * harness's problem, not a verdict; a reset or timeout after sending is what the gateway did, and is
 * recorded as such.
 */
export async function sendRequest(dispatcher: Dispatcher, origin: string, wire: WireRequest, timeoutMs: number): Promise<Sent> {
  const started = performance.now();
  try {
    const res = await dispatcher.request({
      origin,
      path: wire.path,
      method: wire.method as Dispatcher.HttpMethod,
      headers: wire.headers.flat(),
      body: wire.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = v;
    return {
      response: {
        status: res.statusCode,
        headers,
        body: text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}… (${text.length} chars)` : text,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
      },
    };
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (code === 'ECONNREFUSED') throw new HarnessError('ERR_TARGET_UNREACHABLE', `the target at ${origin} refused the connection: nothing listens there; start the gateway first, or give --target the URL it listens on`);
    if (code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_CHAR') throw e;
    return { transportError: `${code || 'error'}: ${(e as Error).message}` };
  }
}
