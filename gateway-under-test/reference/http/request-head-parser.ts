import { mayBecomeSimpleRequestHead, parseSimpleRequestHead, type SimpleRequestHead } from './simple-request-head.ts';

/**
 * What the fast front makes of the bytes buffered on a connection, decided without a socket so the
 * differential test (gateway-under-test/test/http-differential-front.test.ts) can call it directly:
 * - `simple`: a complete plain body-less HTTP/1.1 head the fast front answers itself; `consumed` bytes
 *   (head and blank line) belong to it, the rest is the next request.
 * - `incomplete`: no blank line yet and nothing that rules the fast front out; wait for more bytes.
 * - `handover`: node:http (llhttp) decides, from these same bytes: bodies, odd heads, refusals.
 * The fast front never refuses anything itself, so every refusal comes from llhttp.
 */
export type RequestHeadVerdict =
  | { kind: 'simple'; head: SimpleRequestHead; consumed: number }
  | { kind: 'incomplete' }
  | { kind: 'handover'; reason: 'too-large' | 'bare-lf' | 'not-simple' };

const CRLFCRLF = Buffer.from('\r\n\r\n');

export function parseRequestHead(buffer: Buffer, maxHeaderBytes: number): RequestHeadVerdict {
  const end = buffer.indexOf(CRLFCRLF);
  // Too large: node:http answers 431 (its limit counts fewer bytes than this, so it never takes less).
  if (end === -1 ? buffer.length >= maxHeaderBytes : end + 4 > maxHeaderBytes) return { kind: 'handover', reason: 'too-large' };
  if (end === -1) {
    // Bare LF line ends never make a CRLFCRLF: node:http judges them (400) instead of a timeout.
    if (hasBareLf(buffer)) return { kind: 'handover', reason: 'bare-lf' };
    // A line llhttp refuses as it arrives: node:http answers now, not after the head timeout (found by
    // http-differential-front.test.ts: a 408 a second later where node:http answers 400 at once).
    return mayBecomeSimpleRequestHead(buffer.toString('latin1')) ? { kind: 'incomplete' } : { kind: 'handover', reason: 'not-simple' };
  }
  const head = parseSimpleRequestHead(buffer.toString('latin1', 0, end));
  return head ? { kind: 'simple', head, consumed: end + 4 } : { kind: 'handover', reason: 'not-simple' };
}

function hasBareLf(buffer: Buffer): boolean {
  for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) if (i === 0 || buffer[i - 1] !== 13) return true;
  return false;
}
