import type { RouteConfig } from './config.ts';
import type { CompiledRequirement } from './pipeline/types.ts';

export interface CompiledRoute {
  /** Position in the config, doubling as its name in logs and metrics. */
  id: string;
  config: RouteConfig;
  anonymous: boolean;
  requirement: CompiledRequirement | null;
}

/** First matching route wins, in config order. `path*` is a prefix, anything else exact. */
export class RouteTable {
  readonly routes: readonly CompiledRoute[];
  #matchers: { route: CompiledRoute; prefix: string | null; exact: string; methods: Set<string> | null }[];

  constructor(routes: readonly RouteConfig[]) {
    this.routes = routes.map((config) => ({
      id: `${config.methods.join(',')} ${config.path}`,
      config,
      anonymous: config.auth === 'anonymous',
      requirement: config.require
        ? { ...config.require, scope: scopeOf(config.require.values) }
        : null,
    }));
    this.#matchers = this.routes.map((route) => ({
      route,
      prefix: route.config.path.endsWith('*') ? route.config.path.slice(0, -1) : null,
      exact: route.config.path,
      methods: route.config.methods.includes('*') ? null : new Set(route.config.methods),
    }));
  }

  match(method: string, path: string): CompiledRoute | undefined {
    for (const m of this.#matchers) {
      if (m.methods && !m.methods.has(method) && !(method === 'HEAD' && m.methods.has('GET'))) continue;
      if (m.prefix !== null ? path.startsWith(m.prefix) : path === m.exact) return m.route;
    }
    return undefined;
  }
}

/** RFC 3986 §2.3: characters whose percent-encoding means the same as the character (§6.2.2.2). */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** RFC 6750 §3: one scope-token; a value outside it cannot be named in a challenge. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The path policy (SECURITY.md "Paths"): the path a route is matched on is the path the upstream
 * receives. A path whose meaning depends on who decodes it is refused (undefined, answered 400): an
 * encoded `/`, `\` or control character (`%2F`, `%5C`, `%00`), a raw backslash, an encoded `%` that
 * encodes something (`%252e`, double encoding), a malformed escape, or a dot segment carrying `;`
 * parameters (`..;`, which Tomcat and Spring read as `..`). Everything else is normalised: encoded
 * unreserved characters decoded and other escapes upper-cased (RFC 3986 §6.2.2), dot segments resolved
 * (§5.2.4), then `//` merged.
 */
export function normalisePath(rawPath: string): string | undefined {
  if (!/[.%\\;]|\/\//.test(rawPath)) return rawPath;
  if (rawPath.includes('\\')) return undefined;
  let decoded = '';
  for (let i = 0; i < rawPath.length; i++) {
    if (rawPath.charCodeAt(i) !== 37) {
      decoded += rawPath[i];
      continue;
    }
    const code = hexByte(rawPath, i + 1);
    if (code < 0) return undefined;
    if (code === 0x2f || code === 0x5c || code < 0x20 || code === 0x7f) return undefined;
    if (code === 0x25 && hexByte(rawPath, i + 3) >= 0) return undefined;
    const char = String.fromCharCode(code);
    decoded += UNRESERVED.test(char) ? char : `%${rawPath.slice(i + 1, i + 3).toUpperCase()}`;
    i += 2;
  }
  for (const segment of decoded.split('/')) {
    const bare = segment.split(/;|%3B/)[0];
    if (bare !== segment && (bare === '.' || bare === '..')) return undefined;
  }
  return removeDotSegments(decoded).replace(/\/{2,}/g, '/');
}

/**
 * RFC 3986 §5.2.4 over the segments of an absolute path: `.` dropped, `..` drops the segment before it
 * (never above the root), a dot segment at the end leaves a trailing `/`. Not WHATWG URL: Node 22's
 * parser leaves `/a/.b/../c` as it is, dot segments after any segment that starts with a dot.
 */
function removeDotSegments(path: string): string {
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

/** The byte two hex digits at `at` encode, or -1. */
function hexByte(text: string, at: number): number {
  const pair = text.slice(at, at + 2);
  return /^[0-9A-Fa-f]{2}$/.test(pair) ? Number.parseInt(pair, 16) : -1;
}

/** The `scope` a 403 names: the requirement's values that are scope-tokens (a configured value with CR or LF never reaches a header). */
export function scopeOf(values: readonly string[]): string {
  return values.filter((v) => SCOPE_TOKEN.test(v)).join(' ');
}
