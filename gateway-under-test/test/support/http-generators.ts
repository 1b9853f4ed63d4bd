import fc from 'fast-check';

/**
 * Generators of HTTP/1.1 byte streams, valid and near-valid, for the differential tests of the
 * reference gateway's hand-written HTTP code (http-differential-front.test.ts: client requests;
 * http-differential-upstream.test.ts: upstream responses). Strings are latin1: one char per byte.
 *
 * The pools lean on the places parsers are known to disagree (RFC 9112 §2.2 bare LF, §5.1 whitespace
 * before the colon, §5.2 obs-fold, §6.1/§6.3 Content-Length and Transfer-Encoding, §7.1 chunk
 * extensions and trailers, RFC 9110 §5.5 field value characters), and on what the fast front decides
 * itself (Connection: close, Host count, methods and target characters it takes).
 */

export interface GeneratedRequest {
  /** The request's bytes, latin1. */
  bytes: string;
  /** The method as sent: a HEAD answer carries no body, which the client's parser must know. */
  method: string;
}

export interface GeneratedStream {
  requests: GeneratedRequest[];
  /** Bytes after the requests: a partial or garbage next request, or nothing. */
  tail: string;
}

const pick = <T>(...values: T[]) => fc.constantFrom(...values);

/** Mostly CRLF, sometimes what lenient parsers accept (RFC 9112 §2.2). */
const eol = fc.oneof({ weight: 80, arbitrary: fc.constant('\r\n') }, { weight: 1, arbitrary: pick('\n', '\r', '\r\r\n', '\n\r') });

const method = fc.oneof(
  { weight: 12, arbitrary: pick('GET', 'HEAD') },
  { weight: 3, arbitrary: pick('POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
  { weight: 1, arbitrary: pick('get', 'Get', 'CONNECT', 'TRACE', 'PROPFIND', 'MKCOL', 'QUERY', 'G(T', 'GET\t', '', 'PRI', 'SOURCE') },
);

const segment = fc.oneof(
  { weight: 12, arbitrary: pick('a', 'b', 'orders', 'x.json', '7') },
  {
    weight: 2,
    arbitrary: pick('.', '..', '%2e', '%2E%2e', '%2f', '%2F', '%5c', '\\', ';x=1', '%00', '%zz', '%', '~u', "!$&'()*+,;=:@", '%252e', 'é', '\x7f', 'a b', '"', '<', '{', '|', '^', '`', '#f', '\t', ''),
  },
);

const query = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: pick('?a=1', '?a=1&b=%20', '?_method=DELETE', '??', '?a=/../x', '?a=%zz', '?é', '? x') },
);

const target = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(pick('/open', '/api', '', '/OPEN', '//open'), fc.array(segment, { maxLength: 4 }), query).map(([p, s, q]) => `${p}/${s.join('/')}${q}`) },
  { weight: 1, arbitrary: pick('*', 'http://gw.test/open/a', 'http://gw.test', 'HTTP://gw.test/open/a', 'http://user@gw.test/open', 'https://gw.test/open/a', 'gw.test:80', 'open/a', '/open/a?x=1#f', 'http://gw.test/open/../api/a') },
);

const version = fc.oneof({ weight: 20, arbitrary: fc.constant('HTTP/1.1') }, { weight: 1, arbitrary: pick('HTTP/1.0', 'HTTP/1.2', 'http/1.1', 'HTTP/2.0', 'HTTP/1.1 ', 'HTTP/1', 'HTTP/0.9') });

const sp = fc.oneof({ weight: 30, arbitrary: fc.constant(' ') }, { weight: 1, arbitrary: pick('  ', '\t', '') });

/** Name, separator, value of one field line. */
const fieldName = fc.oneof(
  { weight: 8, arbitrary: pick('X-A', 'x-a', 'Accept', 'User-Agent', 'Cookie', 'X-Forwarded-For', 'Content-Type', 'Keep-Alive', 'X-Request-Id', 'Via') },
  { weight: 3, arbitrary: pick('Connection', 'connection', 'Host', 'host', 'Authorization', 'X-User-Id', 'X-HTTP-Method-Override', 'Proxy-Connection') },
  { weight: 1, arbitrary: pick('Content-Length', 'Transfer-Encoding', 'TE', 'Trailer', 'Expect', 'Upgrade', 'HTTP2-Settings') },
  { weight: 1, arbitrary: pick('X_A', 'X_A', 'X A', '', 'Transfer_Encoding', 'Content_Length', ' Host', 'X-A\t', 'X-\x00', 'Xé', '"X"', 'X(A)', 'X-A:') },
);
const fieldSep = fc.oneof({ weight: 30, arbitrary: pick(': ', ':') }, { weight: 1, arbitrary: pick(':\t', ' :', '\t:', ':  ', ': \t', '') });
const fieldValue = fc.oneof(
  { weight: 8, arbitrary: pick('gw', 'gw.test:8080', 'text/plain', '1', 'a b', 'x, y', '', 'close', 'keep-alive', 'Close') },
  {
    weight: 3,
    arbitrary: pick('close, x-a', 'x-a, close', 'keep-alive, close', 'close x', 'xclose', ' close ', 'close,', ',close', 'upgrade', 'Upgrade, close', 'close\t', 'x-a', 'X-A, Host', 'te'),
  },
  { weight: 2, arbitrary: pick('chunked', 'Chunked', ' chunked', 'chunked, identity', 'identity, chunked', 'gzip, chunked', 'xchunked', 'chunked;q=1', '0', '5', '+5', '05', '5, 5', '5,6', '-1', '100-continue', 'h2c', 'trailers', '\x0bchunked') },
  { weight: 1, arbitrary: pick('a\rb', 'a\x00b', 'a\x7fb', 'é', '\xff', 'a\x01', 'v ', 'v\t', '\tv', 'a\\r\\n', '%0d%0a') },
);

const fieldLine = fc.tuple(fieldName, fieldSep, fieldValue).map(([n, s, v]) => `${n}${s}${v}`);

/** A line continuing the previous one (obs-fold, RFC 9112 §5.2) or a stray one. */
const oddLine = pick(' folded', '\tfolded', ' ', 'no-colon', ':empty-name', 'Transfer-Encoding : chunked', 'Content-Length : 5');

/** The framing of a request: what it says about its body, and the body. */
const framing = fc.oneof(
  { weight: 24, arbitrary: fc.constant({ lines: [] as string[], body: '' }) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.string({ unit: 'binary-ascii', maxLength: 12 }), fc.integer({ min: -2, max: 2 })).map(([b, off]) => ({
      lines: [`Content-Length: ${Math.max(0, b.length + off)}`],
      body: b,
    })),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(chunkedBody(), pick('chunked', 'Chunked', 'chunked ')).map(([b, te]) => ({ lines: [`Transfer-Encoding: ${te}`], body: b })),
  },
  {
    weight: 2,
    // Both framings, duplicates, obfuscations: the request smuggling shapes (CL.TE, TE.CL, TE.TE).
    arbitrary: fc.tuple(chunkedBody(), fc.subarray(['Content-Length: 4', 'Content-Length: 0', 'Transfer-Encoding: chunked', 'Transfer-Encoding: identity', 'Transfer-Encoding: xchunked', 'Transfer-Encoding:\tchunked', 'Transfer-encoding: chunked, chunked', 'Content-Length: 4, 4', 'Content-Length: 04', 'Content-Length:  4 ']), fc.boolean()).map(([b, lines, shuffle]) => ({
      lines: shuffle ? [...lines].reverse() : lines,
      body: b,
    })),
  },
);

function chunkedBody(): fc.Arbitrary<string> {
  const chunk = fc.tuple(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 8 }), pick('', ';ext', ';a=b', ';a="q"', ' ;x', '\t', ' '), fc.integer({ min: -1, max: 1 }), pick('', 'X', '0')).map(
    ([data, ext, off, pad]) => `${pad}${Math.max(0, data.length + off).toString(16)}${ext}\r\n${data}\r\n`,
  );
  const last = pick('0\r\n\r\n', '0\r\nX-T: 1\r\n\r\n', '0;e\r\n\r\n', '00\r\n\r\n', '0\r\n', '0\n\n', '0\r\nContent-Length: 9\r\n\r\n', '');
  return fc.tuple(fc.array(chunk, { maxLength: 3 }), last).map(([chunks, l]) => chunks.join('') + l);
}

export interface RequestOptions {
  /** `Authorization` values to pick from (a valid token, a broken one). */
  authorizations: string[];
  /** The gateway's maxHeaderBytes: some heads straddle it. */
  maxHeaderBytes: number;
}

export function requestArb(options: RequestOptions): fc.Arbitrary<GeneratedRequest> {
  const auth = fc.constantFrom(...options.authorizations.map((a) => `Authorization: ${a}`));
  const hostLines = fc.oneof({ weight: 12, arbitrary: fc.constant(['Host: gw.test']) }, { weight: 1, arbitrary: pick([], ['Host: gw.test', 'Host: other'], ['Host: gw.test', 'Host: gw.test'], ['Host: gw.test/admin'], ['Host:'], ['Host: gw.test:99999'], ['Host: [::1]']) });
  const padding = fc.oneof(
    { weight: 20, arbitrary: fc.constant([] as string[]) },
    // Heads just under, at and over the limit (node:http counts fewer bytes than the head's length).
    { weight: 1, arbitrary: fc.integer({ min: -64, max: 64 }).map((d) => [`X-Pad: ${'p'.repeat(Math.max(0, options.maxHeaderBytes - 120 + d))}`]) },
    { weight: 1, arbitrary: fc.integer({ min: 90, max: 130 }).map((n) => Array.from({ length: n }, (_, i) => `X-${i}: v`)) },
  );
  return fc
    .record({
      method,
      sp1: sp,
      target,
      sp2: sp,
      version,
      host: hostLines,
      auth: fc.option(auth, { freq: 2 }),
      fields: fc.array(fc.oneof({ weight: 20, arbitrary: fieldLine }, { weight: 1, arbitrary: oddLine }), { maxLength: 5 }),
      framing,
      padding,
      eols: fc.array(eol, { minLength: 8, maxLength: 8 }),
      shuffle: fc.nat(),
    })
    .map((r) => {
      const lines = [...r.host, ...(r.auth ? [r.auth] : []), ...r.fields, ...r.framing.lines, ...r.padding];
      // Rotate the lines so Host, framing and fields appear in any order (an odd line first is a case too).
      const k = lines.length ? r.shuffle % lines.length : 0;
      const ordered = [...lines.slice(k), ...lines.slice(0, k)];
      let bytes = `${r.method}${r.sp1}${r.target}${r.sp2}${r.version}${r.eols[0]}`;
      ordered.forEach((line, i) => (bytes += line + r.eols[(i + 1) % 8]));
      bytes += r.eols[7 - (ordered.length % 3)];
      return { bytes: bytes + r.framing.body, method: r.method };
    });
}

/** One to three pipelined requests and maybe an incomplete or garbage tail. */
export function requestStreamArb(options: RequestOptions): fc.Arbitrary<GeneratedStream> {
  return fc.record({
    requests: fc.array(requestArb(options), { minLength: 1, maxLength: 3 }),
    tail: fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: pick('GET /open/x HTTP/1.1\r\nHost: gw', 'G', '\r\n', '\r\n\r\n', 'GET /open/x HTTP/1.1\r\nHost: gw.test\r\n\r\n', 'xyz\r\n\r\n') }),
  });
}

// --- responses -------------------------------------------------------------------------------------

export interface GeneratedResponse {
  /** Everything the upstream writes on the connection for one request, latin1. */
  bytes: string;
  /** After writing: close the connection (a body delimited by close, an early close), or keep it open. */
  close: boolean;
}

const statusLine = fc.oneof(
  { weight: 15, arbitrary: pick('HTTP/1.1 200 OK', 'HTTP/1.1 201 Created', 'HTTP/1.1 404 Not Found', 'HTTP/1.1 500 Internal Server Error', 'HTTP/1.0 200 OK', 'HTTP/1.1 204 No Content', 'HTTP/1.1 304 Not Modified') },
  { weight: 2, arbitrary: pick('HTTP/1.1 200', 'HTTP/1.1 200 ', 'HTTP/1.1 299 Whatever', 'HTTP/1.1 599 X', 'HTTP/1.1 418 \xe9') },
  { weight: 1, arbitrary: pick('HTTP/1.1 20 OK', 'HTTP/1.1 2000 OK', 'HTTP/2.0 200 OK', 'HTTP/1.1  200 OK', 'http/1.1 200 OK', 'HTTP/1.1 200 O\x00K', 'HTTP/1.1 099 X', 'ICY 200 OK', 'HTTP/1.1 200 OK\r', 'HTTP/1.1 101 Switching Protocols') },
);

const interim = fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: pick('HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n') });

const responseField = fc.oneof(
  { weight: 6, arbitrary: pick('Content-Type: text/plain', 'X-U: 1', 'x-u: 2', 'Cache-Control: no-store', 'Set-Cookie: a=b', 'X-Empty:', 'X-Sp: a b ', 'Vary: *') },
  { weight: 2, arbitrary: pick('Connection: close', 'Connection: keep-alive', 'Keep-Alive: timeout=5', 'Keep-Alive: timeout=1', 'Connection: x-u', 'Trailer: X-T', 'Proxy-Connection: close', 'Upgrade: h2c') },
  { weight: 1, arbitrary: pick('X-Cr: a\rb', 'X-Nul: a\x00b', 'X-Del: a\x7f', 'X-Obs: \xe9', ' X-Lead: 1', 'X-Fold: a\r\n b', 'X U: 1', 'X-U : 1', ': v', 'no-colon', 'X-Ctl: \x01', 'X-Lf: a\nb') },
);

const responseFraming = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 16 }).map((b) => ({ lines: [`Content-Length: ${b.length}`], body: b, close: false })) },
  { weight: 4, arbitrary: chunkedResponseBody().map((b) => ({ lines: ['Transfer-Encoding: chunked'], body: b, close: false })) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 16 }).map((b) => ({ lines: [] as string[], body: b, close: true })) },
  {
    weight: 3,
    // Conflicting or obfuscated framing; lengths that promise more than arrives (an early close).
    arbitrary: fc.tuple(chunkedResponseBody(), fc.subarray(['Content-Length: 3', 'Content-Length: 0', 'Content-Length: 99', 'Content-Length: 3, 3', 'Content-Length: 3, 4', 'Content-Length: +3', 'Content-Length: 0x3', 'Content-Length: 3 ', 'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', 'Transfer-Encoding: chunked, gzip', 'Transfer-Encoding: identity', 'Transfer-Encoding: xchunked', 'Transfer-Encoding:  chunked', 'Transfer-Encoding: chunked\t', 'Transfer-Encoding: chunked ', 'Transfer-Encoding: chunked,', 'Transfer-Encoding: ,chunked', 'Transfer-Encoding: chunked', 'Content-Length: 3']), fc.boolean()).map(([body, lines, close]) => ({ lines, body, close })),
  },
);

function chunkedResponseBody(): fc.Arbitrary<string> {
  const chunk = fc.tuple(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 8 }), pick('', '', ';ext', ';a=b', ';a="q;r"', ' ;x', '\t;x', ' ', ';a b', ';a="x\\"y"', ';=x', '; a', ';a=', ';a;b=c', ';a=\x80'), fc.integer({ min: -1, max: 1 }), pick('', '', '', 'X', '0', '+')).map(
    ([data, ext, off, pad]) => `${pad}${Math.max(0, data.length + (off === 0 ? 0 : off)).toString(16)}${ext}\r\n${data}\r\n`,
  );
  const last = pick('0\r\n\r\n', '0\r\n\r\n', '0\r\nX-T: 1\r\n\r\n', '0;e\r\n\r\n', '000\r\n\r\n', '0\r\n', '0\n\n', '0\r\nX-T: a\rb\r\n\r\n', '');
  return fc.tuple(fc.array(chunk, { maxLength: 3 }), last).map(([chunks, l]) => chunks.join('') + l);
}

/** Valid answers (half the cases, so the comparison of what passes through is not starved) and hostile ones. */
export function responseArb(): fc.Arbitrary<GeneratedResponse> {
  return fc.oneof(cleanResponseArb(), hostileResponseArb());
}

function cleanResponseArb(): fc.Arbitrary<GeneratedResponse> {
  const status = pick('HTTP/1.1 200 OK', 'HTTP/1.1 201 Created', 'HTTP/1.1 404 Not Found', 'HTTP/1.1 500 Internal Server Error', 'HTTP/1.0 200 OK', 'HTTP/1.1 204 No Content', 'HTTP/1.1 200', 'HTTP/1.1 299 Whatever');
  const fields = fc.array(pick('Content-Type: text/plain', 'X-U: 1', 'x-u: 2', 'Cache-Control: no-store', 'Set-Cookie: a=b', 'X-Empty:', 'X-Sp: a b ', 'Connection: keep-alive', 'Keep-Alive: timeout=5'), { maxLength: 4 });
  const framing = fc.oneof(
    fc.string({ unit: 'binary-ascii', maxLength: 16 }).map((b) => ({ lines: [`Content-Length: ${b.length}`], body: b, close: false })),
    chunkedCleanBody().map((b) => ({ lines: ['Transfer-Encoding: chunked'], body: b, close: false })),
    fc.string({ unit: 'binary-ascii', maxLength: 16 }).map((b) => ({ lines: [] as string[], body: b, close: true })),
  );
  return fc.record({ interim: pick('', '', '', 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n'), status, fields, framing }).map((r) => ({
    bytes: `${r.interim}${r.status}\r\n${[...r.fields, ...r.framing.lines].map((l) => `${l}\r\n`).join('')}\r\n${r.framing.body}`,
    close: r.framing.close,
  }));
}

function chunkedCleanBody(): fc.Arbitrary<string> {
  const chunk = fc.tuple(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 8 }), pick('', ';ext', ';a=b')).map(([data, ext]) => `${data.length.toString(16)}${ext}\r\n${data}\r\n`);
  return fc.tuple(fc.array(chunk, { maxLength: 3 }), pick('0\r\n\r\n', '0\r\nX-T: 1\r\n\r\n')).map(([c, l]) => c.join('') + l);
}

function hostileResponseArb(): fc.Arbitrary<GeneratedResponse> {
  const big = fc.oneof({ weight: 25, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: pick(16_000, 65_000, 70_000, 100_000).map((n) => [`X-Big: ${'b'.repeat(n)}`]) });
  return fc
    .record({ interim, status: statusLine, fields: fc.array(responseField, { maxLength: 4 }), framing: responseFraming, big, eols: fc.array(eol, { minLength: 8, maxLength: 8 }), shuffle: fc.nat(), truncate: fc.option(fc.nat(), { freq: 8 }) })
    .map((r) => {
      const lines = [...r.fields, ...r.framing.lines, ...r.big];
      const k = lines.length ? r.shuffle % lines.length : 0;
      const ordered = [...lines.slice(k), ...lines.slice(0, k)];
      let bytes = `${r.interim}${r.status}${r.eols[0]}`;
      ordered.forEach((line, i) => (bytes += line + r.eols[(i + 1) % 8]));
      bytes += r.eols[7 - (ordered.length % 3)] + r.framing.body;
      // Sometimes the upstream dies part way: cut the bytes and close.
      if (r.truncate !== null) return { bytes: bytes.slice(0, r.truncate % (bytes.length + 1)), close: true };
      return { bytes, close: r.framing.close };
    });
}
