import type { TargetProfile } from '../../gateway-under-test/index.ts';
import type { RequestSpec } from './define-case.ts';
import { allowsMethod } from './allows-method.ts';

/** The header every request carries so the echo upstream's log can be tied to it. */
export const REQUEST_ID_HEADER = 'x-gatecheck-request-id';

export interface WireRequest {
  method: string;
  /** Path and query, exactly as sent. */
  path: string;
  headers: [string, string][];
  body?: string;
}

/**
 * A RequestSpec and a token become the exact bytes on the wire: header lines in order (duplicates
 * kept), query and body as written. `{token}` in any string is the minted token.
 */
export function buildRequest(spec: RequestSpec, token: string | undefined, profile: TargetProfile, requestId: string): WireRequest {
  const fill = (s: string) => (token === undefined ? s : s.replaceAll('{token}', token));
  const tokenIn = spec.tokenIn ?? 'header';
  const headers: [string, string][] = [];
  if (spec.authorization !== undefined) {
    for (const value of Array.isArray(spec.authorization) ? spec.authorization : [spec.authorization]) headers.push(['authorization', fill(value)]);
  } else if (tokenIn === 'header' && token !== undefined) {
    headers.push(['authorization', `Bearer ${token}`]);
  }
  for (const [name, value] of spec.headers ?? []) headers.push([name, fill(value)]);

  const target = requestTarget(spec, profile);
  let path = fill(target.path);
  const query = (spec.query ?? []).map(([k, v]) => `${fill(k)}=${fill(v)}`);
  if (tokenIn === 'query' && token !== undefined) query.push(`access_token=${token}`);
  if (query.length) path += (path.includes('?') ? '&' : '?') + query.join('&');

  let body = spec.body === undefined ? undefined : fill(spec.body);
  let contentType = spec.contentType;
  if (tokenIn === 'body' && token !== undefined) {
    body = body ? `${body}&access_token=${token}` : `access_token=${token}`;
    contentType ??= 'application/x-www-form-urlencoded';
  }
  if (body !== undefined && contentType && !headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.push(['content-type', contentType]);
  headers.push([REQUEST_ID_HEADER, requestId]);
  return { method: target.method, path, headers, ...(body !== undefined ? { body } : {}) };
}

/** The method and path (before query) a RequestSpec is sent to: what decides its contract route. */
export function requestTarget(spec: RequestSpec, profile: TargetProfile): { method: string; path: string } {
  return { method: spec.method ?? (spec.tokenIn === 'body' ? 'POST' : 'GET'), path: spec.path ?? defaultPath(profile) };
}

/** The profile's first protected route that takes GET, as a concrete path (`/api/orders*` → `/api/orders`). */
export function defaultPath(profile: TargetProfile): string {
  const route =
    profile.routes.find((r) => r.auth === 'required' && !r.rateLimit && allowsMethod(r, 'GET')) ??
    profile.routes.find((r) => r.auth === 'required');
  return route ? routePath(route.path) : '/';
}

/** A concrete path for a route pattern: a trailing `*` (prefix route) is dropped. */
export function routePath(pattern: string): string {
  return pattern.endsWith('*') ? pattern.slice(0, -1) || '/' : pattern;
}
