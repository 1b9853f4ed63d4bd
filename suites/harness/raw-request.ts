import { randomUUID } from 'node:crypto';
import { REQUEST_ID_HEADER } from './build-request.ts';

/** Every `{requestId…}` becomes a UUID: 36 characters. */
export const REQUEST_ID_LENGTH = 36;
const ID = /\{requestId(?:\.([1-9]))?\}/g;

/**
 * One HTTP/1.1 message as text, byte for byte what a case wrote: the request line, each header line as
 * given (a space before a colon, a folded line, a duplicate: nothing is normalised), the empty line, the
 * body. The line carrying this request's id (`x-gatecheck-request-id: {requestId…}`) is the case's to write.
 */
export function rawMessage(requestLine: string, lines: readonly string[], body = ''): string {
  return `${requestLine}\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n${body}`;
}

/** The header line tying a raw request to what the echo upstream received: `index` 0 is `{requestId}`, N is `{requestId.N}`. */
export function requestIdLine(index = 0): string {
  return `${REQUEST_ID_HEADER}: {requestId${index === 0 ? '' : `.${index}`}}`;
}

/** The length in bytes of `template` once filled, for a Content-Length over it; it may hold request ids, not `{token}` or `{host}`. */
export function rawLength(template: string): number {
  if (/\{(token|host)\}/.test(template)) throw new Error('rawLength: {token} and {host} have no length until the request is sent; keep them out of a counted body');
  return Buffer.byteLength(template.replace(ID, 'x'.repeat(REQUEST_ID_LENGTH)), 'latin1');
}

/** Fills a raw template: `{token}`, `{host}` and fresh ids (returned by index) for `{requestId}`, `{requestId.1}`, … */
export function fillRaw(template: string, values: { token?: string; host: string }): { text: string; ids: string[] } {
  const ids: string[] = [];
  let text = template.replace(ID, (_, n: string | undefined) => {
    const index = n === undefined ? 0 : Number(n);
    ids[index] ??= randomUUID();
    return ids[index];
  });
  if (text.includes('{token}')) {
    if (values.token === undefined) throw new Error('the raw request has {token} but the case sends no token');
    text = text.replaceAll('{token}', values.token);
  }
  return { text: text.replaceAll('{host}', values.host), ids: Array.from(ids, (id) => id ?? '') };
}

/** The header line carrying the case's token where the contract reads it (`Authorization: Bearer {token}` unless it names another header). */
export function tokenLine(headerName: string | undefined): string {
  return `${headerName ?? 'Authorization'}: Bearer {token}`;
}
