/**
 * Text safe for an XML 1.0 attribute value or element content. Escaping alone is not enough: XML 1.0
 * forbids most C0 controls and lone surrogates even as character references, and a hostile recipe can
 * put them in a header value; a single one makes the whole junit.xml unparseable, so they become
 * visible `\uXXXX` text. Newlines and tabs in attributes are written as references so parsers keep them.
 */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (ch) =>
      `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
    .replace(/[&<>"'\n\r\t]/g, (ch) => XML_ENTITIES[ch]);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};
