/**
 * Terminal-safe text. Findings, header values and token fields can come from hostile recipes; a raw
 * ESC or CR in them could rewrite the operator's terminal or forge report lines, so C0/C1 controls
 * (except tab) become visible escapes.
 */
export function printable(text: string, { keepNewlines = false }: { keepNewlines?: boolean } = {}): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    if (keepNewlines && ch === '\n') return ch;
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
