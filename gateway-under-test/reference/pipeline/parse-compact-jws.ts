import type { PipelineContext, Step, StepResult } from './types.ts';

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Strict JWS compact serialisation (RFC 7515 §7.1, RFC 7519 §7.2): exactly three non-empty segments,
 * base64url without padding, header and payload valid UTF-8 JSON objects. Five segments (JWE) fail here.
 */
export const parseCompactJws: Step = {
  name: 'parse-compact-jws',
  cacheable: true,
  run(ctx: PipelineContext): StepResult {
    const t = ctx.token;
    const d1 = t.indexOf('.');
    const d2 = d1 === -1 ? -1 : t.indexOf('.', d1 + 1);
    if (d1 <= 0 || d2 === -1 || d2 === d1 + 1 || d2 === t.length - 1 || t.indexOf('.', d2 + 1) !== -1) return 'malformed_token';
    const h = t.slice(0, d1);
    const p = t.slice(d1 + 1, d2);
    const s = t.slice(d2 + 1);
    if (!validSegment(h) || !validSegment(p) || !validSegment(s)) return 'malformed_token';
    const header = decodeObject(h);
    const payload = header && decodeObject(p);
    if (!header || !payload) return 'malformed_token';
    ctx.header = header;
    ctx.payload = payload;
    ctx.signingInputEnd = d2;
    ctx.signature = Buffer.from(s, 'base64url');
    return undefined;
  },
};

function validSegment(s: string): boolean {
  // A length of 1 mod 4 can't be base64url of any byte string.
  return s.length % 4 !== 1 && SEGMENT.test(s);
}

function decodeObject(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(utf8.decode(Buffer.from(segment, 'base64url')));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
