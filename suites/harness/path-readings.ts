import type { Reading } from './define-case.ts';

/** The path of a request target: query and fragment dropped, an absolute-form target reduced to its path (RFC 9112 §3.2.2). */
export function targetPath(target: string): string {
  let t = target;
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(t);
  if (absolute) t = t.slice(absolute[0].length);
  const path = t.split(/[?#]/)[0];
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * The paths servers may take a forwarded request target for. Always: as it arrived; as RFC 3986 reads
 * it (encoded unreserved characters decoded, §6.2.2.2; dot segments removed, §5.2.4); the same after
 * merging `//` (nginx's merge_slashes, most routers). Then, for each reading the case names, a
 * server doing that too (the readings stack: decoding before separators, separators before dots).
 */
export function pathReadings(target: string, readings: readonly Reading[] = []): string[] {
  const path = targetPath(target);
  const has = (r: Reading) => readings.includes(r);
  const out = new Set<string>([path]);
  const rfc = decodeUnreserved(path);
  out.add(removeDotSegments(rfc));
  out.add(removeDotSegments(mergeSlashes(rfc)));

  let p = has('decode-repeatedly') ? decodeRepeatedly(path) : has('decode') ? decodeOnce(path) : rfc;
  if (has('nul')) p = p.split(/\u0000|%00/)[0];
  if (has('backslash')) p = p.replaceAll('\\', '/').replace(/%5c/gi, '/');
  if (has('path-parameters')) p = p.split('/').map((s) => s.split(/;|%3b/i)[0]).join('/');
  for (const q of [p, mergeSlashes(p)]) {
    let resolved = removeDotSegments(q.startsWith('/') ? q : `/${q}`);
    if (has('trailing-dots')) resolved = resolved.split('/').map((s) => (s === '.' || s === '..' ? s : s.replace(/\.+$/, ''))).join('/');
    out.add(resolved);
  }
  return [...out];
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function decodeUnreserved(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape;
  });
}

function decodeOnce(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function decodeRepeatedly(path: string): string {
  let p = path;
  for (let i = 0; i < 5; i++) {
    const next = decodeOnce(p);
    if (next === p) break;
    p = next;
  }
  return p;
}

function mergeSlashes(path: string): string {
  return path.replace(/\/{2,}/g, '/');
}

/**
 * RFC 3986 §5.2.4 over the segments of an absolute path (`..` never climbs above the root). The suite's
 * own copy, not the reference gateway's (route-table.ts): a judge sharing code with a target it judges
 * would miss that target's mistakes.
 */
export function removeDotSegments(path: string): string {
  const input = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < input.length; i++) {
    const segment = input[i];
    if (segment !== '.' && segment !== '..') {
      out.push(segment);
      continue;
    }
    if (segment === '..') out.pop();
    if (i === input.length - 1) out.push('');
  }
  return `/${out.join('/')}`;
}
