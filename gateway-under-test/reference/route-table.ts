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
        ? { ...config.require, scope: config.require.values.join(' ') }
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

/**
 * Resolves dot segments (also percent-encoded ones) and backslashes the way WHATWG URL does, so a
 * request can't reach a protected path through an anonymous prefix (`/health/../api/orders`) when the
 * upstream normalises later. The normalised path is what gets matched and forwarded.
 */
export function normalisePath(rawPath: string): string {
  if (!/[.%\\]|\/\//.test(rawPath)) return rawPath;
  const pathname = new URL(rawPath.replace(/^\/+/, '/'), 'http://gateway.invalid').pathname;
  return pathname.replace(/\/{2,}/g, '/');
}
