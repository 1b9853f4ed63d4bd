import { HOST } from './host-syntax.ts';
import type { RequestEnv, RequestState, RequestStep, StepResult } from './types.ts';

/** `http://authority/path…` (RFC 9112 §3.2.2); userinfo is not allowed in an http(s) URI (RFC 9110 §4.2.4). */
const ABSOLUTE_FORM = /^https?:\/\/([^/?#@]*)([/?][^#]*)?$/i;

/**
 * Splits the request target into path and query. Absolute-form (RFC 9112 §3.2.2) is routed by its
 * path, its authority standing in for Host; anything else not starting with `/` matches no route.
 */
export const parseTarget: RequestStep = {
  name: 'parse-target',
  run(state: RequestState, _env: RequestEnv): StepResult {
    let url = state.req.url;
    if (url.charCodeAt(0) !== 47) {
      const absolute = ABSOLUTE_FORM.exec(url);
      if (absolute) {
        state.authority = absolute[1];
        url = absolute[2] === undefined ? '/' : absolute[2].charCodeAt(0) === 47 ? absolute[2] : `/${absolute[2]}`;
      }
    }
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    state.path = rawPath;
    state.query = q === -1 ? '' : withoutMethodOverride(url.slice(q + 1));
    if (rawPath.charCodeAt(0) !== 47) return 'route_not_found';
    if (state.authority !== undefined && !HOST.test(state.authority)) return 'invalid_host';
    return 'continue';
  },
};

/**
 * Drops `_method` from the query: Symfony, Laravel and Express's method-override take it as the method
 * of a POST, which would then be authorised as a POST and served as a DELETE. Textual, so the rest of
 * the query reaches the upstream byte for byte.
 */
function withoutMethodOverride(query: string): string {
  if (!/method/i.test(query)) return query;
  return query
    .split('&')
    .filter((pair) => {
      const name = pair.split('=')[0].replaceAll('+', ' ');
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed escape is not `_method` to anyone.
      }
      return decoded.toLowerCase() !== '_method';
    })
    .join('&');
}
