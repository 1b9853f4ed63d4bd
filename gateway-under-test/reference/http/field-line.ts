/**
 * One header field line (RFC 9112 §5, RFC 9110 §5.5): a token name, a colon, optional whitespace and
 * a value of HTAB, SP, VCHAR and obs-text only. No whitespace before the colon, no CR, LF or other CTL.
 * The value keeps its trailing whitespace: `fieldValue` removes it.
 */
export const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[\t ]*([\t\x20-\x7e\x80-\xff]*)$/;

/** Trailing OWS is not part of a field value; a lazy regex would test every position for it. */
export function fieldValue(raw: string): string {
  let end = raw.length;
  while (end > 0) {
    const c = raw.charCodeAt(end - 1);
    if (c !== 32 && c !== 9) break;
    end--;
  }
  return end === raw.length ? raw : raw.slice(0, end);
}
