import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { TargetProfile } from '../../../gateway-under-test/index.ts';
import { readResponses } from '../../harness/read-responses.ts';

/**
 * One mistake below the token each ("the suite has teeth" for http/ cases). `none` is the honest
 * baseline: node:http's strict parser in front, one Host, paths with anything a decoder may read
 * differently refused, routes matched on the path as written, hop-by-hop and override headers dropped,
 * claim headers stripped in every spelling and rebuilt from a verified token, the upstream reached
 * through node:http's client, which refuses an answer with two framings. Each fault is a shape real
 * proxies shipped; the comment beside it says which.
 */
export const BROKEN_HTTP_FAULTS = [
  'none',
  // paths
  'raw-path-prefix-match', // routes matched on the raw path, exact anonymous ones as prefixes (Apache <Location>), the path forwarded as received
  'decode-after-match', // routes matched on the raw path, the path percent-decoded for the upstream afterwards
  'unmatched-paths-forwarded', // a target no route covers (another case, an encoded letter, absolute-form) goes upstream unauthenticated
  // request line and header fields
  'host-not-checked', // no Host, two Hosts, a Host with a path: all forwarded
  'override-headers-forwarded', // X-HTTP-Method-Override and kin, X-Original-URL, X-Rewrite-URL and ?_method= passed on
  'underscore-claim-headers-kept', // claim headers stripped in their hyphen spelling only
  // hop-by-hop
  'connection-listed-removed-after-claims', // Connection-listed fields removed after the claim headers are added
  'connection-header-forwarded', // Connection and the fields it lists passed on
  'connection-last-line-only', // only the last Connection line's options honoured
  'upgrade-forwarded', // Upgrade and HTTP2-Settings passed on (h2c smuggling)
  // a hand-written front on raw sockets
  'naive-relay', // frames by the first Content-Length, ignores Transfer-Encoding, relays header lines and answers as received
  'frames-by-transfer-encoding', // chunked when any line is named Transfer-Encoding, relays the chunked bytes with the Content-Length
  'upgrade-tunnelled', // after a request asking for Upgrade, pipes the connection to the upstream whatever it answered
  // the upstream's answer
  'upstream-framing-relayed', // reads the upstream leniently, forwards its Content-Length beside a de-chunked body
] as const;
export type BrokenHttpFault = (typeof BROKEN_HTTP_FAULTS)[number];

const RAW_FRONT = new Set<BrokenHttpFault>(['naive-relay', 'frames-by-transfer-encoding', 'upgrade-tunnelled']);

export interface BrokenHttpGatewayOptions {
  fault: BrokenHttpFault;
  issuer: string;
  jwksUri: string;
  audience: string;
  upstreamUrl: string;
}

export interface BrokenHttpGateway {
  url: string;
  profile: TargetProfile;
  stop(): Promise<void>;
}

const CLAIM_HEADERS = { userId: 'X-User-Id', tenantId: 'X-Tenant-Id', clientId: 'X-Client-Id', roles: 'X-Roles', scopes: 'X-Scopes' };
const CLAIM_NAMES = new Set(Object.values(CLAIM_HEADERS).map((h) => h.toLowerCase()));
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings', 'host', 'authorization', 'content-length']);
const OVERRIDES = new Set(['x-http-method-override', 'x-http-method', 'x-method-override', 'x-original-url', 'x-rewrite-url']);
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::\d*)?$/;

interface Route {
  path: string;
  methods: string[];
  anonymous: boolean;
  required?: string;
}
const ROUTES: Route[] = [
  { path: '/health', methods: ['GET'], anonymous: true },
  { path: '/public*', methods: ['GET'], anonymous: true },
  { path: '/api/orders*', methods: ['GET'], anonymous: false, required: 'Orders.Read' },
  { path: '/api/orders*', methods: ['POST'], anonymous: false, required: 'Orders.Write' },
  { path: '/api/reports*', methods: ['GET'], anonymous: false, required: 'Reports.Read' },
];

type Decision = { status: number } | { route: Route | null; claims: JWTPayload | null; path: string };

/** A small proxy in the shape of the reference gateway, below the token: routes, bearer check, claim headers, forwarding. */
export async function startBrokenHttpGateway(options: BrokenHttpGatewayOptions): Promise<BrokenHttpGateway> {
  const { fault } = options;
  const jwks = createRemoteJWKSet(new URL(options.jwksUri));
  const upstream = new URL(options.upstreamUrl);

  const match = (method: string, path: string): Route | undefined => {
    const m = method === 'HEAD' ? 'GET' : method;
    return ROUTES.find((r) => {
      if (!r.methods.includes(m)) return false;
      const prefix = r.path.endsWith('*') ? r.path.slice(0, -1) : null;
      if (fault === 'raw-path-prefix-match' && r.anonymous) return path.startsWith(prefix ?? r.path);
      return prefix !== null ? path.startsWith(prefix) : path === r.path;
    });
  };

  /** Where the request goes and as whom, or the status refusing it. */
  async function decide(method: string, target: string, authorization: string[]): Promise<Decision> {
    const [path] = (target ?? '').split('?');
    const rawMatching = fault === 'raw-path-prefix-match' || fault === 'decode-after-match' || fault === 'unmatched-paths-forwarded';
    // The honest policy: anything a decoder may read differently is refused.
    if (!rawMatching && (!path.startsWith('/') || /%|\\|;|\/\/|(^|\/)\.\.?(\/|$)/.test(path))) return { status: 400 };
    const route = match(method, path);
    if (!route) return fault === 'unmatched-paths-forwarded' ? { route: null, claims: null, path: target } : { status: 404 };
    const forwardedPath = fault === 'decode-after-match' ? target.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))) : target;
    if (route.anonymous) return { route, claims: null, path: forwardedPath };
    if (authorization.length !== 1) return { status: authorization.length ? 400 : 401 };
    const m = /^Bearer +(\S+)$/i.exec(authorization[0]);
    if (!m) return { status: 401 };
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(m[1], jwks, { issuer: options.issuer, audience: options.audience, algorithms: ['RS256'] }));
    } catch {
      return { status: 401 };
    }
    const roles = Array.isArray(claims.roles) ? claims.roles : [];
    const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
    if (!roles.includes(route.required) && !scopes.includes(route.required!)) return { status: 403 };
    return { route, claims, path: forwardedPath };
  }

  /** The header lines that go upstream, as name, value pairs. */
  function forwardedHeaders(raw: string[], claims: JWTPayload | null): [string, string][] {
    const connectionLines = raw.filter((_, i) => i % 2 === 1 && raw[i - 1].toLowerCase() === 'connection');
    const listed = new Set(
      (fault === 'connection-last-line-only' ? connectionLines.slice(-1) : connectionLines)
        .join(',')
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter((t) => t && t !== 'close' && t !== 'keep-alive'),
    );
    let out: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i];
      const lower = name.toLowerCase();
      if (lower === 'host' || lower === 'authorization' || lower === 'content-length' || lower === 'transfer-encoding') continue;
      if (lower === 'connection' && fault === 'connection-header-forwarded') {
        out.push([name, raw[i + 1]]);
        continue;
      }
      if ((lower === 'upgrade' || lower === 'http2-settings' || lower === 'connection') && fault === 'upgrade-forwarded') {
        out.push([name, raw[i + 1]]);
        continue;
      }
      if (HOP_BY_HOP.has(lower)) continue;
      if (CLAIM_NAMES.has(lower) || (fault !== 'underscore-claim-headers-kept' && CLAIM_NAMES.has(lower.replaceAll('_', '-')))) continue;
      if (OVERRIDES.has(lower) && fault !== 'override-headers-forwarded') continue;
      out.push([name, raw[i + 1]]);
    }
    const removeListed = () => {
      if (fault === 'connection-header-forwarded') return;
      const keep = fault === 'upgrade-forwarded' ? new Set(['upgrade', 'http2-settings']) : new Set<string>();
      out = out.filter(([name]) => !listed.has(name.toLowerCase()) || keep.has(name.toLowerCase()));
    };
    if (fault !== 'connection-listed-removed-after-claims') removeListed();
    if (claims) for (const [key, name] of Object.entries(CLAIM_HEADERS)) {
      const value = claimValue(claims, key as keyof typeof CLAIM_HEADERS);
      if (value !== undefined) out.push([name, value]);
    }
    if (fault === 'connection-listed-removed-after-claims') removeListed();
    return out;
  }

  const withoutMethodParameter = (target: string) =>
    fault === 'override-headers-forwarded' || !target.includes('?')
      ? target
      : target.replace(/([?&])_method=[^&]*&?/gi, '$1').replace(/[?&]$/, '');

  // --- the honest front, node:http ---------------------------------------------------------------
  const http = createServer({ requireHostHeader: fault !== 'host-not-checked' }, (req, res) => {
    serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.rawHeaders;
    const hosts = raw.filter((_, i) => i % 2 === 0 && raw[i].toLowerCase() === 'host').length;
    const host = raw[raw.findIndex((n, i) => i % 2 === 0 && n.toLowerCase() === 'host') + 1];
    if (fault !== 'host-not-checked' && (hosts !== 1 || !HOST.test(host ?? ''))) return refuse(res, 400);
    const authorization = raw.filter((_, i) => i % 2 === 1 && raw[i - 1].toLowerCase() === 'authorization');
    const decision = await decide(req.method ?? 'GET', req.url ?? '/', authorization);
    if ('status' in decision) {
      req.resume();
      return refuse(res, decision.status);
    }
    const headers = forwardedHeaders(raw, decision.claims);
    const path = withoutMethodParameter(decision.path);
    if (fault === 'upstream-framing-relayed' && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      return relayLeniently(req.method ?? 'GET', path, headers, res);
    }
    const object: OutgoingHttpHeaders = {};
    for (const [name, value] of headers) {
      const prior = object[name];
      object[name] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [String(prior)]), value];
    }
    if (req.headers['content-length'] !== undefined) object['content-length'] = req.headers['content-length'];
    else if (req.headers['transfer-encoding'] !== undefined) object['transfer-encoding'] = 'chunked';
    await new Promise<void>((resolve) => {
      const up = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers: object, agent: false }, (answer) => {
        const back: string[] = [];
        for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
          const lower = answer.rawHeaders[i].toLowerCase();
          if (!HOP_BY_HOP.has(lower) || lower === 'content-length') back.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
        }
        res.writeHead(answer.statusCode ?? 502, back);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => {
          res.destroy();
          resolve();
        });
      });
      up.on('error', () => {
        if (!res.headersSent) refuse(res, 502);
        else res.destroy();
        resolve();
      });
      req.pipe(up);
    });
  }

  /** Reads the upstream's answer as a careless proxy does (Content-Length beside chunked: chunked wins) and keeps its Content-Length. */
  function relayLeniently(method: string, path: string, headers: [string, string][], res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const socket = connect({ host: upstream.hostname, port: Number(upstream.port) });
      const chunks: Buffer[] = [];
      let settled = false;
      const done = (ended: boolean) => {
        if (settled) return true;
        const [answer] = readResponses(Buffer.concat(chunks), [method], ended, { lenient: true }).responses;
        if (!answer?.complete && !ended) return false;
        settled = true;
        socket.destroy();
        if (!answer) refuse(res, 502);
        else {
          const back: string[] = [];
          for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) if (answer.rawHeaders[i].toLowerCase() !== 'transfer-encoding') back.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
          res.writeHead(answer.status, back).end(Buffer.from(answer.body, 'latin1'));
        }
        resolve();
        return true;
      };
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        done(false);
      });
      socket.on('close', () => done(true));
      socket.on('error', () => {});
      socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${upstream.host}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`, 'latin1');
    });
  }

  // --- the hand-written front, raw sockets --------------------------------------------------------
  const rawFront = createNetServer((client) => {
    let buffer = Buffer.alloc(0);
    let busy = false;
    client.on('error', () => {});
    const next = async (): Promise<void> => {
      if (busy) return;
      const request = takeRequest(buffer);
      if (!request) return;
      busy = true;
      buffer = buffer.subarray(request.length);
      try {
        const tunnelled = await relay(request, client, () => {
          const rest = buffer;
          buffer = Buffer.alloc(0);
          return rest;
        });
        if (tunnelled) return;
      } catch {
        if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      busy = false;
      return next();
    };
    client.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      void next();
    });
  });

  interface RawRequest {
    method: string;
    target: string;
    lines: string[];
    body: Buffer;
    length: number;
  }

  /** The next request in the buffer, framed the faulty way, or undefined until it is all there. */
  function takeRequest(buffer: Buffer): RawRequest | undefined {
    const end = buffer.indexOf('\r\n\r\n');
    if (end === -1) return undefined;
    const [requestLine, ...lines] = buffer.toString('latin1', 0, end).split('\r\n');
    const [method, target] = requestLine.split(' ');
    const named = (want: string, trim: boolean) => lines.filter((l) => (trim ? l.split(':')[0].trim() : l.split(':')[0]).toLowerCase() === want);
    const start = end + 4;
    let length = 0;
    if (fault === 'frames-by-transfer-encoding' && named('transfer-encoding', true).length) {
      // Walk the chunks to their end; the bytes stay as they are.
      let at = start;
      for (;;) {
        const eol = buffer.indexOf('\r\n', at);
        if (eol === -1) return undefined;
        const size = Number.parseInt(buffer.toString('latin1', at, eol), 16);
        at = eol + 2 + (size || 0) + 2;
        if (at > buffer.length) return undefined;
        if (!size) break;
      }
      length = at - start;
    } else {
      const first = named('content-length', false)[0];
      length = first ? Number.parseInt(first.slice(first.indexOf(':') + 1).trim(), 10) || 0 : 0;
    }
    if (buffer.length < start + length) return undefined;
    return { method, target, lines, body: buffer.subarray(start, start + length), length: start + length };
  }

  /** Routes, authorises and forwards one request, relaying the answer; resolves true once the connection became a tunnel. */
  async function relay(request: RawRequest, client: Socket, rest: () => Buffer): Promise<boolean> {
    const nameOf = (line: string) => line.slice(0, Math.max(0, line.indexOf(':')));
    const authorization = request.lines.filter((l) => nameOf(l).toLowerCase() === 'authorization').map((l) => l.slice(l.indexOf(':') + 1).trim());
    const decision = await decide(request.method, request.target, authorization);
    if ('status' in decision) {
      client.write(`HTTP/1.1 ${decision.status} Refused\r\nContent-Length: 0\r\n\r\n`);
      return false;
    }
    const kept = request.lines.filter((line) => {
      const lower = nameOf(line).toLowerCase();
      if (lower === 'host' || lower === 'authorization' || CLAIM_NAMES.has(lower)) return false;
      if (fault === 'frames-by-transfer-encoding' && nameOf(line).trim().toLowerCase() === 'transfer-encoding') return false;
      return true;
    });
    const claims = decision.claims ? Object.entries(CLAIM_HEADERS).flatMap(([key, name]) => {
      const value = claimValue(decision.claims!, key as keyof typeof CLAIM_HEADERS);
      return value === undefined ? [] : [`${name}: ${value}`];
    }) : [];
    const head = `${request.method} ${decision.path} HTTP/1.1\r\nHost: ${upstream.host}\r\n${[...kept, ...claims].map((l) => `${l}\r\n`).join('')}\r\n`;
    const socket = connect({ host: upstream.hostname, port: Number(upstream.port) });
    socket.on('error', () => {});
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), request.body]));
    if (fault === 'upgrade-tunnelled' && request.lines.some((l) => nameOf(l).toLowerCase() === 'upgrade')) {
      // A tunnel from here on, whatever the upstream answers.
      const pending = rest();
      if (pending.length) socket.write(pending);
      client.removeAllListeners('data');
      client.pipe(socket);
      socket.pipe(client);
      return true;
    }
    await new Promise<void>((resolve) => {
      const received: Buffer[] = [];
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        socket.destroy();
        resolve();
      };
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        client.write(chunk);
        const stream = readResponses(Buffer.concat(received), [request.method], false);
        if (stream.responses.some((r) => r.complete)) finish();
        else if (stream.error) setTimeout(finish, 50);
      });
      socket.on('close', finish);
    });
    return false;
  }

  const server: Server | ReturnType<typeof createNetServer> = RAW_FRONT.has(fault) ? rawFront : http;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const requirement = (value: string) => ({ values: [value], claims: ['roles', 'scp'], match: 'any' as const, separator: ' ' });
  const profile: TargetProfile = {
    name: `broken-http:${fault}`,
    issuers: [{ issuer: options.issuer, algorithms: ['RS256'], keySource: 'jwks', jwksUri: options.jwksUri, audiences: [options.audience] }],
    audiences: [options.audience],
    routes: ROUTES.map((r) => ({
      path: r.path,
      methods: r.methods,
      auth: r.anonymous ? ('anonymous' as const) : ('required' as const),
      ...(r.required ? { require: requirement(r.required) } : {}),
      forwardAuthorization: false,
    })),
    claimHeaders: CLAIM_HEADERS,
    rateLimits: {},
    clockSkewSeconds: 0,
    tokenLocations: ['header'],
    token: { types: ['JWT', 'at+jwt'], requireType: false, requireExp: true, rejectFutureIat: false, kidAbsent: 'reject', requiredClaims: [] },
    features: ['rfc6750-challenges', 'claim-headers', 'strip-client-claim-headers', 'strip-authorization'],
  };
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return {
    url,
    profile,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function refuse(res: ServerResponse, status: number): void {
  const challenge = status === 401 ? { 'www-authenticate': 'Bearer realm="broken-http"' } : {};
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': '2', ...challenge }).end('{}');
}

/** The claims contract: X-User-Id (oid, else sub), X-Tenant-Id, X-Client-Id (azp, else appid), X-Roles and X-Scopes comma-joined. */
function claimValue(claims: JWTPayload, key: keyof typeof CLAIM_HEADERS): string | undefined {
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  if (key === 'userId') return str(claims.oid) ?? str(claims.sub);
  if (key === 'tenantId') return str(claims.tid);
  if (key === 'clientId') return str(claims.azp) ?? str(claims.appid);
  if (key === 'roles') return Array.isArray(claims.roles) && claims.roles.length ? claims.roles.join(',') : undefined;
  return typeof claims.scp === 'string' && claims.scp ? claims.scp.split(' ').join(',') : undefined;
}
