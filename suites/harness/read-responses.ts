import { createRequire } from 'node:module';

/** One response as llhttp framed it. */
export interface FramedResponse {
  status: number;
  /** Name, value, name, value… as received. */
  rawHeaders: string[];
  /** The body as latin1, at most MAX_BODY characters (bodyBytes counts all of it). */
  body: string;
  bodyBytes: number;
  /** Whether llhttp saw the end of this message. */
  complete: boolean;
}

export interface ResponseStream {
  /** Final responses in order (interim 1xx answers are left out, as clients skip them). */
  responses: FramedResponse[];
  /** Why llhttp refused the stream (`HPE_… reason at byte N`), when it did: the client's view of a desync. */
  error?: string;
  /** A 101 switched the connection to another protocol: bytes after it are not HTTP/1.1. */
  upgraded?: boolean;
}

const MAX_BODY = 4096;

// llhttp's error numbers and message types (llhttp's `llhttp.h`, as undici's constants.js lists them).
const TYPE_RESPONSE = 2;
const OK = 0;
const PAUSED_UPGRADE = 22;

/** The slice of the WebAssembly API used here (the project's type libraries declare none). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, (...args: number[]) => number>>) => { exports: object };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: Wasm };

interface Memory {
  buffer: ArrayBuffer;
}

interface Llhttp {
  memory: Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  llhttp_alloc(type: number): number;
  llhttp_free(ptr: number): void;
  llhttp_execute(parser: number, data: number, length: number): number;
  llhttp_finish(parser: number): number;
  llhttp_get_error_reason(parser: number): number;
  llhttp_get_error_pos(parser: number): number;
  llhttp_errno_name(errno: number): number;
  llhttp_set_lenient_chunked_length(parser: number, on: number): void;
}

interface State {
  responses: FramedResponse[];
  current: FramedResponse | null;
  /** Request methods in order, to know which answers carry no body (HEAD). */
  methods: readonly string[];
  finals: number;
  field: string;
  value: string;
  lastWasValue: boolean;
  upgraded: boolean;
}

let instance: Llhttp | null = null;
let state: State | null = null;

/**
 * llhttp itself, the parser node:http and undici use, from the WebAssembly build undici ships: a
 * stream of responses is framed exactly as a strict client would frame it, so a gateway that
 * desynchronises its client (a Content-Length beside a chunked body) shows as the client sees it.
 */
function llhttp(): Llhttp {
  if (instance) return instance;
  const require = createRequire(import.meta.url);
  const module = new WebAssembly.Module(require('undici/lib/llhttp/llhttp-wasm.js') as Buffer);
  const text = (at: number, length: number) => Buffer.from(instance!.memory.buffer, at, length).toString('latin1');
  const wasm = new WebAssembly.Instance(module, {
    env: {
      wasm_on_url: () => 0,
      wasm_on_status: () => 0,
      wasm_on_message_begin: () => {
        const s = state!;
        s.current = { status: 0, rawHeaders: [], body: '', bodyBytes: 0, complete: false };
        s.field = '';
        s.value = '';
        s.lastWasValue = false;
        return 0;
      },
      wasm_on_header_field: (_p: number, at: number, length: number) => {
        const s = state!;
        if (s.lastWasValue) flushHeader(s);
        s.field += text(at, length);
        return 0;
      },
      wasm_on_header_value: (_p: number, at: number, length: number) => {
        const s = state!;
        s.value += text(at, length);
        s.lastWasValue = true;
        return 0;
      },
      wasm_on_headers_complete: (_p: number, status: number, upgrade: number) => {
        const s = state!;
        if (s.lastWasValue) flushHeader(s);
        const response = s.current!;
        response.status = status;
        if (status >= 100 && status < 200 && status !== 101) return 1;
        const method = s.methods[s.finals] ?? 'GET';
        s.finals++;
        s.responses.push(response);
        if (upgrade === 1 || status === 101) {
          s.upgraded = true;
          return 2;
        }
        return method === 'HEAD' ? 1 : 0;
      },
      wasm_on_body: (_p: number, at: number, length: number) => {
        const response = state!.current!;
        if (response.body.length < MAX_BODY) response.body += text(at, Math.min(length, MAX_BODY - response.body.length));
        response.bodyBytes += length;
        return 0;
      },
      wasm_on_message_complete: () => {
        const s = state!;
        if (s.current) s.current.complete = true;
        return 0;
      },
    },
  });
  const exports = wasm.exports as unknown as Llhttp & { _initialize?: () => void };
  exports._initialize?.();
  instance = exports;
  return instance;
}

function flushHeader(s: State): void {
  s.current!.rawHeaders.push(s.field, s.value);
  s.field = '';
  s.value = '';
  s.lastWasValue = false;
}

function cString(memory: Memory, ptr: number): string {
  if (!ptr) return '';
  const bytes = new Uint8Array(memory.buffer, ptr);
  return Buffer.from(memory.buffer, ptr, bytes.indexOf(0)).toString('latin1');
}

/**
 * Frames `bytes` (everything a connection received) into responses to requests sent with `methods`, in
 * order. `ended`: the server closed the connection, which ends a body read until close. `lenient`
 * takes a Content-Length beside Transfer-Encoding as llhttp's lenient mode does (the chunked coding
 * wins) instead of refusing it: what a careless proxy does, for the deliberately broken gateways.
 */
export function readResponses(bytes: Buffer, methods: readonly string[], ended: boolean, { lenient = false } = {}): ResponseStream {
  const ll = llhttp();
  const parser = ll.llhttp_alloc(TYPE_RESPONSE);
  if (lenient) ll.llhttp_set_lenient_chunked_length(parser, 1);
  const s: State = { responses: [], current: null, methods, finals: 0, field: '', value: '', lastWasValue: false, upgraded: false };
  const data = ll.malloc(Math.max(1, bytes.length));
  let error: string | undefined;
  try {
    new Uint8Array(ll.memory.buffer, data, bytes.length).set(bytes);
    state = s;
    let ret = ll.llhttp_execute(parser, data, bytes.length);
    if (ret === OK && ended && s.current && !s.current.complete) ret = ll.llhttp_finish(parser);
    if (ret !== OK && ret !== PAUSED_UPGRADE) {
      const at = ll.llhttp_get_error_pos(parser);
      const offset = at >= data && at <= data + bytes.length ? ` at byte ${at - data}` : '';
      error = `${cString(ll.memory, ll.llhttp_errno_name(ret))} ${cString(ll.memory, ll.llhttp_get_error_reason(parser))}${offset}`;
    }
  } finally {
    state = null;
    ll.free(data);
    ll.llhttp_free(parser);
  }
  return { responses: s.responses, ...(error ? { error } : {}), ...(s.upgraded ? { upgraded: true } : {}) };
}
