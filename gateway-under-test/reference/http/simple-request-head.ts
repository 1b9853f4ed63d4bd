import { FIELD_LINE, fieldValue } from './field-line.ts';

/**
 * A request head the fast front may answer itself. Anything this parser does not accept is not an
 * error: the connection goes to node:http (llhttp), which decides, so every framing question
 * (bodies, chunked coding, smuggling shapes, obs-fold, odd targets, HTTP/1.0) keeps one judge.
 */
export interface SimpleRequestHead {
  method: string;
  url: string;
  /** Name, value, name, value… as received (like IncomingMessage.rawHeaders). */
  rawHeaders: string[];
  /** The client asked to close the connection after this exchange. */
  close: boolean;
}

/** More header lines than this go to node:http, which applies its own count limits. */
const MAX_SIMPLE_HEADER_LINES = 100;

// Methods llhttp knows, so accepting one here never answers what node:http would refuse.
const REQUEST_LINE = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*) HTTP\/1\.1$/;
// Bodies, upgrades and interim responses are node:http's: their framing is where requests get smuggled.
// Proxy-Connection too: llhttp reads it as Connection (a `close` there ends the connection), a rare
// legacy header not worth a second reading here (found by http-differential-front.test.ts).
const DELEGATED = new Set(['content-length', 'transfer-encoding', 'expect', 'upgrade', 'te', 'trailer', 'proxy-connection']);

/**
 * Parses `head` (the bytes before the blank line, as latin1) if it is a plain HTTP/1.1 request without
 * a body; returns undefined for everything else.
 */
export function parseSimpleRequestHead(head: string): SimpleRequestHead | undefined {
  const lines = head.split('\r\n');
  if (lines.length - 1 > MAX_SIMPLE_HEADER_LINES) return undefined;
  const requestLine = REQUEST_LINE.exec(lines[0]);
  if (!requestLine) return undefined;
  const rawHeaders: string[] = [];
  let hosts = 0;
  let close = false;
  for (let i = 1; i < lines.length; i++) {
    const m = FIELD_LINE.exec(lines[i]);
    if (!m) return undefined;
    const name = m[1];
    const value = fieldValue(m[2]);
    const lower = name.toLowerCase();
    if (DELEGATED.has(lower)) return undefined;
    if (lower === 'host') hosts++;
    else if (lower === 'connection') {
      const tokens = value.toLowerCase();
      if (tokens.includes('upgrade')) return undefined;
      if (/(?:^|,)\s*close\s*(?:,|$)/.test(tokens)) close = true;
    }
    rawHeaders.push(name, value);
  }
  // RFC 9112 §3.2: exactly one Host; node:http answers the other cases (400).
  if (hosts !== 1) return undefined;
  return { method: requestLine[1], url: requestLine[2], rawHeaders, close };
}


const FIELD_LINE_PREFIX = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*(?::[\t\x20-\x7e\x80-\xff]*)?\r?$/;

/**
 * Whether `partial` (an incomplete head, latin1: no blank line yet) can still become a head this parser
 * takes. False as soon as a complete line is one it would hand over, or the line being received cannot
 * become a field line: llhttp, which parses as bytes arrive, refuses such a head at once (400), so the
 * fast front hands it over at once instead of waiting for the rest until its head timer answers 408.
 */
export function mayBecomeSimpleRequestHead(partial: string): boolean {
  const lines = partial.split('\r\n');
  const last = lines.pop()!;
  if (lines.length === 0) return true;
  if (lines.length > MAX_SIMPLE_HEADER_LINES || !REQUEST_LINE.test(lines[0])) return false;
  for (let i = 1; i < lines.length; i++) {
    const m = FIELD_LINE.exec(lines[i]);
    if (!m || DELEGATED.has(m[1].toLowerCase())) return false;
  }
  return FIELD_LINE_PREFIX.test(last);
}
