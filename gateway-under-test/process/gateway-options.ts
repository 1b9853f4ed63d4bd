import { LauncherConfigError } from './errors.ts';

/** What every real-gateway launcher enforces; each adapter adds how it gets the keys. */
export interface GatewayOptions {
  /** Listen port on 127.0.0.1; omitted or 0 → a free port. */
  port?: number;
  /** Plain-HTTP upstream the gateway proxies accepted requests to, e.g. the echo upstream. */
  upstream: string;
  issuer: string;
  audience: string;
  /** Entra app role (`roles` claim) every authenticated request must carry. */
  requiredRole: string;
  /** Requests whose path is this or below it skip validation: the server's pass-through baseline. */
  passThroughPath?: string;
  /** Per-request access log; benchmarks turn it off. Default true. */
  accessLog?: boolean;
  /** Keep logs here after stop(); default: inside the temp dir, removed on stop(). */
  logsDir?: string;
  /** Overrides the binary found on PATH. */
  binary?: string;
}

// Values end up inside quoted config strings and regexes: anything that could close a quote or
// start a new directive would let a test option rewrite the gateway's policy.
const SAFE_VALUE = /^[A-Za-z0-9._~:/?#@!$&()*+,;=%-]+$/;

export function checkConfigValue(key: string, value: string): string {
  if (!SAFE_VALUE.test(value)) {
    throw new LauncherConfigError(key, `unsupported characters in ${JSON.stringify(value)}`);
  }
  return value;
}

export function upstreamHostPort(upstream: string): { host: string; port: number; origin: string } {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new LauncherConfigError('upstream', `not a URL: ${JSON.stringify(upstream)}`);
  }
  if (url.protocol !== 'http:') throw new LauncherConfigError('upstream', 'only http:// upstreams are supported');
  const port = Number(url.port || 80);
  return { host: url.hostname, port, origin: `http://${url.hostname}:${port}` };
}

export function checkPassThroughPath(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  if (!/^\/[A-Za-z0-9._~-]+$/.test(path)) {
    throw new LauncherConfigError('passThroughPath', 'must be one path segment like /pass');
  }
  return path;
}

/** Escapes a literal for a PCRE pattern. */
export function regexLiteral(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
