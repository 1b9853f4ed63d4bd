import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/**
 * Headers some frameworks honour instead of the request line: a method override (an upstream honouring
 * it acts on another method than the one authorised, a GET allowed for a read role becoming a POST) or a
 * request-target override (X-Original-URL and X-Rewrite-URL, which IIS URL Rewrite and Symfony before
 * CVE-2018-14773 took as the path). Routes are authorised by the request line, so these never pass.
 */
const OVERRIDES = new Set(['x-http-method-override', 'x-http-method', 'x-method-override', 'x-original-url', 'x-rewrite-url']);

/** Never forwarded in either direction (RFC 9110 §7.6.1), plus headers this gateway sets itself. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'http2-settings',
  'host', 'proxy-authorization', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto',
]);

/**
 * One pass over the raw headers: Node folds duplicate Authorization headers into one, which would hide
 * A05, and touching req.headers would make Node build the whole header object per request. Sorts each
 * line into the token lines, what later steps check (Host, Connection, the subscription key, whether
 * there is a body and of what type) and what may go upstream. It refuses nothing itself: what it finds
 * is judged by the steps after it, in their order.
 */
export const scanHeaders: RequestStep = {
  name: 'scan-headers',
  run(state: RequestState, env: RequestEnv): StepResult {
    const raw = state.req.rawHeaders;
    const { forward, authorization } = state;
    const { tokenHeader, reserved, subscriptions } = env;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      const lower = name.toLowerCase();
      if (lower === tokenHeader) {
        authorization.push(raw[i + 1]);
        continue;
      }
      if (HOP_BY_HOP.has(lower)) {
        if (lower === 'host') {
          state.host ??= raw[i + 1];
          state.hosts++;
        } else if (lower === 'connection') state.connectionTokens += `,${raw[i + 1].toLowerCase()}`;
        else if (lower === 'transfer-encoding') state.hasBody = true;
        continue;
      }
      // Claims-contract headers from the client are dropped on every route, in any case and with `_` for `-`.
      if (reserved.has(lower) || (lower.includes('_') && reserved.has(lower.replaceAll('_', '-')))) continue;
      if (OVERRIDES.has(lower)) continue;
      if (subscriptions && lower === subscriptions.header) {
        state.subscriptionKey ??= raw[i + 1];
        continue;
      }
      if (lower === 'content-length') state.hasBody ||= raw[i + 1] !== '0';
      else if (lower === 'content-type') state.contentType = raw[i + 1];
      forward.push(name, raw[i + 1]);
    }
    return 'continue';
  },
};
