import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { readResponses } from '../../../suites/harness/read-responses.ts';
import { parseGatewayConfig, type GatewayConfigInput } from '../../reference/config.ts';
import { listen } from '../../reference/listen.ts';
import { createReferenceServer, type ReferenceServer } from '../../reference/server.ts';

/**
 * The machinery shared by the two differential tests: real reference gateways on loopback, one
 * recording upstream with one entrance per gateway (so the gateways run side by side and each record
 * says which one forwarded it), raw client exchanges, and the client's view of what came back, framed
 * by llhttp (suites/harness/read-responses.ts).
 */

export interface Gateway {
  gw: ReferenceServer;
  port: number;
}

export async function startGateway(input: GatewayConfigInput): Promise<Gateway> {
  const gw = createReferenceServer(parseGatewayConfig(input));
  await gw.runtime.start();
  return { gw, port: await listen(gw.server, '127.0.0.1', 0) };
}

/** A request as the upstream's node:http (llhttp) parsed it. */
export interface Forwarded {
  method: string;
  url: string;
  rawHeaders: string[];
  body: string;
  /** The body ended (false: the gateway gave up part way). */
  complete: boolean;
}

export interface Entrance {
  url: string;
  /**
   * Requests forwarded through this entrance since the last `take` for a client at `clientAddress`
   * (X-Forwarded-For; replaced by a placeholder); others are dropped: late ones from an earlier exchange.
   */
  take(clientAddress: string): Forwarded[];
  /** Resolves once no request is in flight here (bounded by `maxMs`). */
  quiet(maxMs: number): Promise<void>;
  /** A request is in flight here. */
  busy(): boolean;
  /** What llhttp refused on this entrance since the last `take` (a forwarded stream it cannot read). */
  parseErrors: string[];
}

export interface RecordingUpstream {
  entrances: Entrance[];
  close(): Promise<void>;
}

/**
 * One node:http upstream answering 200 with a fixed body, reached through `count` listening sockets:
 * node:http is one of the two well-kept parsers this project trusts, so what it records is what a
 * backend would act on.
 */
export async function startRecordingUpstream(count: number): Promise<RecordingUpstream> {
  const records: Forwarded[][] = Array.from({ length: count }, () => []);
  const inFlight = new Array<number>(count).fill(0);
  const errors: string[][] = Array.from({ length: count }, () => []);
  const gateOf = new WeakMap<object, number>();
  const http = createHttpServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const gate = gateOf.get(req.socket) ?? 0;
    // Each gateway reaches its own entrance, so the Host its upstream client sends names that entrance's
    // port: replaced by a placeholder, the one normalisation of what the upstream receives.
    const own = `127.0.0.1:${(req.socket.localPort ?? 0)}`;
    const rawHeaders = req.rawHeaders.map((v, i) => (i % 2 === 1 && v === own && req.rawHeaders[i - 1].toLowerCase() === 'host' ? '{upstream}' : v));
    const entry: Forwarded = { method: req.method ?? '', url: req.url ?? '', rawHeaders, body: '', complete: false };
    records[gate].push(entry);
    inFlight[gate]++;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      inFlight[gate]--;
    };
    req.on('data', (c: Buffer) => (entry.body += c.toString('latin1')));
    req.on('end', () => {
      entry.complete = true;
      settle();
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('up');
    });
    req.on('close', settle);
    req.on('error', settle);
  });
  http.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const gate = gateOf.get(socket) ?? 0;
    if (err.code !== 'ECONNRESET' && err.code !== 'HPE_INVALID_EOF_STATE') errors[gate].push(err.code ?? err.message);
    socket.destroy();
  });
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const entrances: Entrance[] = [];
  for (let gate = 0; gate < count; gate++) {
    const server = createServer((socket) => {
      gateOf.set(socket, gate);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      http.emit('connection', socket);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(server);
    entrances.push({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      take: (clientAddress) =>
        records[gate].splice(0).flatMap((r) => {
          const i = r.rawHeaders.findIndex((v, j) => j % 2 === 0 && v.toLowerCase() === 'x-forwarded-for');
          if (i === -1 || r.rawHeaders[i + 1] !== clientAddress) return [];
          const rawHeaders = [...r.rawHeaders];
          rawHeaders[i + 1] = '{client}';
          return [{ ...r, rawHeaders }];
        }),
      parseErrors: errors[gate],
      busy: () => inFlight[gate] > 0,
      async quiet(maxMs) {
        const until = Date.now() + maxMs;
        while (inFlight[gate] > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      },
    });
  }
  return {
    entrances,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      http.close();
    },
  };
}

export interface ClientExchange {
  bytes: Buffer;
  /** The gateway closed the connection (else the exchange went quiet and the client closed it). */
  closedByServer: boolean;
}

let nextClient = 0;
/**
 * A loopback address of its own for each exchange (127.0.0.2 to 127.0.0.251, in turn): the gateways
 * put it in X-Forwarded-For, so the upstream can tell an exchange's requests from late ones of an
 * earlier exchange without a byte of the request changing.
 */
export function nextClientAddress(): string {
  nextClient = (nextClient + 1) % 250;
  return `127.0.0.${nextClient + 2}`;
}

export interface ExchangeOptions {
  /** The client's own address (nextClientAddress). */
  localAddress?: string;
  /** Upper bound of the whole exchange. */
  maxMs: number;
  /** The exchange is over when the server closed, or when nothing moved for this long… */
  quietMs: number;
  /** …and nothing is in flight upstream (a request there is an answer still to come). */
  upstreamBusy?: () => boolean;
  /** The client's parser wants this many answers: once they are in, a shorter quiet period ends it. */
  expected?: { methods: readonly string[]; quietMs: number };
}

/**
 * Writes `bytes` on a fresh connection and reads until the server closes it or the exchange goes quiet.
 * The client never half-closes: node:http (httpAllowHalfOpen off, the reference server's setting) drops
 * requests in flight when the client's FIN arrives while the fast front still answers them, a
 * difference of connection handling that would hide every parsing difference behind empty answers.
 */
export function clientExchange(port: number, bytes: Buffer, options: ExchangeOptions): Promise<ClientExchange> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    const chunks: Buffer[] = [];
    let last = performance.now();
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearInterval(poll);
      socket.destroy();
      resolve({ bytes: Buffer.concat(chunks), closedByServer });
    };
    const deadline = setTimeout(() => finish(false), options.maxMs);
    const poll = setInterval(() => {
      if (options.upstreamBusy?.()) {
        last = performance.now();
        return;
      }
      let quiet = options.quietMs;
      if (options.expected && chunks.length) {
        const stream = readResponses(Buffer.concat(chunks), options.expected.methods, false);
        if (stream.error || stream.responses.filter((r) => r.complete).length >= options.expected.methods.length) quiet = options.expected.quietMs;
      }
      if (performance.now() - last >= quiet) finish(false);
    }, 2);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      last = performance.now();
    });
    socket.on('error', () => {});
    socket.on('close', () => finish(true));
    socket.write(bytes);
  });
}

/** A response as the client's llhttp framed it: status and body (headers differ by design, see the tests). */
export interface Answer {
  status: number;
  body: string;
}

/**
 * The refusals node:http writes itself for a request it cannot parse (its `clientError` answers: no
 * body, then close). A stream that ends in one of these and one that simply ends are the same to a
 * client: its request was not served.
 */
const PARSER_REFUSALS = new Set([400, 408, 413, 414, 431, 501, 505]);

export interface ClientView {
  answers: Answer[];
  /** The stream ended in a parser refusal, or the server closed the connection without announcing it. */
  refused: boolean;
  /** llhttp could not frame what the gateway sent: a bug in itself. */
  framingError?: string;
  closedByServer: boolean;
}

export function clientView(exchange: ClientExchange, methods: readonly string[]): ClientView {
  const stream = readResponses(exchange.bytes, methods, exchange.closedByServer);
  const complete = stream.responses.filter((r) => r.complete);
  const answers = complete.map((r) => ({ status: r.status, body: r.body }));
  const last = answers.at(-1);
  // RFC 9112 §9.6: a server that means to close says so (Connection: close) in its last answer. A close
  // without that is the server giving up on the connection: a refusal, like its error page.
  const announced = complete.at(-1)?.rawHeaders.some((v, i) => i % 2 === 1 && complete.at(-1)!.rawHeaders[i - 1].toLowerCase() === 'connection' && /\bclose\b/i.test(v)) ?? false;
  let refused = exchange.closedByServer && !announced;
  if (last && PARSER_REFUSALS.has(last.status) && last.body === '') {
    answers.pop();
    refused = true;
  }
  const framingError = stream.error && !stream.error.startsWith('HPE_INVALID_EOF_STATE') ? stream.error : undefined;
  return { answers, refused, ...(framingError ? { framingError } : {}), closedByServer: exchange.closedByServer };
}

/** Printable form of latin1 bytes for a failure message. */
export function show(bytes: string): string {
  return JSON.stringify(bytes.length > 600 ? `${bytes.slice(0, 300)}…(${bytes.length} bytes)…${bytes.slice(-200)}` : bytes);
}

/** The run count: `GATECHECK_DIFF_RUNS` or the default for `npm test`. */
export function runCount(fallback: number): number {
  const n = Number(process.env.GATECHECK_DIFF_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export interface HostileUpstream {
  /** One per gateway, like startRecordingUpstream's. */
  urls: string[];
  /** What every request gets from now on. */
  answer: { bytes: Buffer; close: boolean };
  /** Request heads received per entrance since the last call. */
  takeHeads(gate: number): string[];
  close(): Promise<void>;
}

/**
 * An upstream on a raw socket that answers every request head with `answer`, byte for byte (and then
 * closes when `answer.close`): the hostile side of the upstream client's differential test. It reads
 * request heads only; the gateway sends body-less requests here.
 */
export async function startHostileUpstream(count: number): Promise<HostileUpstream> {
  const heads: string[][] = Array.from({ length: count }, () => []);
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const state: HostileUpstream = {
    urls: [],
    answer: { bytes: Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), close: false },
    takeHeads: (gate) => heads[gate].splice(0),
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
  for (let gate = 0; gate < count; gate++) {
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      let buffer = '';
      socket.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('latin1');
        for (let end = buffer.indexOf('\r\n\r\n'); end !== -1 && !socket.destroyed; end = buffer.indexOf('\r\n\r\n')) {
          heads[gate].push(buffer.slice(0, end));
          buffer = buffer.slice(end + 4);
          const { bytes, close } = state.answer;
          if (close) socket.end(bytes);
          else socket.write(bytes);
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(server);
    state.urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  return state;
}
