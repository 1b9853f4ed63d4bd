import type { RunDir } from '../process/create-run-dir.ts';
import { checkPassThroughPath, upstreamHostPort, type GatewayOptions } from '../process/gateway-options.ts';

export const APACHE_MODULES_DIR = '/usr/lib/apache2/modules';

export interface ApacheConfigInput extends GatewayOptions {
  port: number;
  dir: RunDir;
  /** `name_module file.so` pairs beyond the base set. */
  modules: Array<[string, string]>;
  /** Server-level directives of the auth module (caches, keys). */
  serverDirectives: string[];
  /** Directives inside `<Location />` that authenticate and authorise. */
  authDirectives: string[];
  /** Whether we run as root and must drop to www-data. */
  dropPrivileges: boolean;
}

const BASE_MODULES: Array<[string, string]> = [
  ['mpm_event_module', 'mod_mpm_event.so'],
  ['authn_core_module', 'mod_authn_core.so'],
  ['authz_core_module', 'mod_authz_core.so'],
  ['headers_module', 'mod_headers.so'],
  ['proxy_module', 'mod_proxy.so'],
  ['proxy_http_module', 'mod_proxy_http.so'],
];

/**
 * A standalone `apache2 -f` configuration (no /etc/apache2 includes, so the host's sites and
 * modules never leak in): Debian's mpm_event sizing, runtime files in the run dir.
 */
export function apacheConfig(input: ApacheConfigInput): string {
  const { dir } = input;
  const upstream = upstreamHostPort(input.upstream).origin;
  const passThrough = checkPassThroughPath(input.passThroughPath);
  const modules = [...BASE_MODULES, ...input.modules];
  return [
    `ServerRoot "${dir.root}"`,
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${input.port}`,
    `DefaultRuntimeDir "${dir.run}"`,
    `PidFile "${dir.run}/apache2.pid"`,
    `Mutex file:${dir.run} default`,
    `ErrorLog "${dir.logs}/error.log"`,
    'LogLevel warn',
    ...(input.dropPrivileges ? ['User www-data', 'Group www-data'] : []),
    ...modules.map(([name, file]) => `LoadModule ${name} ${APACHE_MODULES_DIR}/${file}`),
    // Debian's mods-available/mpm_event.conf, except the spare-thread bounds: with Debian's 75, load
    // makes Apache fork a third child and later retire one, closing its kept-alive client connections
    // (wrk counts them as read errors). A fixed pool of 3 × 25 threads never churns.
    'StartServers 3',
    'MinSpareThreads 25',
    'MaxSpareThreads 150',
    'ThreadLimit 64',
    'ThreadsPerChild 25',
    'MaxRequestWorkers 150',
    'MaxConnectionsPerChild 0',
    'KeepAlive On',
    // Unlimited, like HAProxy: a benchmark should measure validation, not reconnects every 100 requests.
    'MaxKeepAliveRequests 0',
    'KeepAliveTimeout 60',
    'Timeout 30',
    ...(input.accessLog ?? true
      ? ['LogFormat "%h %u %t \\"%r\\" %>s %b %D" gatecheck', `CustomLog "${dir.logs}/access.log" gatecheck`]
      : []),
    ...input.serverDirectives,
    // Longest prefix first: mod_proxy takes the first ProxyPass that matches.
    ...(passThrough ? [`ProxyPass ${passThrough} ${upstream}${passThrough}`] : []),
    `ProxyPass / ${upstream}/`,
    '<Location />',
    ...input.authDirectives.map((line) => `  ${line}`),
    '</Location>',
    ...(passThrough
      ? [`<Location ${passThrough}>`, '  AuthType None', '  Require all granted', '</Location>']
      : []),
    '',
  ].join('\n');
}
