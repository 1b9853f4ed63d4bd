import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PolicyError } from './policy-error.ts';

/** One element of a policy document, with the line its start tag is on. */
export interface PolicyElement {
  name: string;
  attributes: Record<string, string>;
  children: PolicyElement[];
  /** Concatenated text content, trimmed (policy expressions and key material live here). */
  text: string;
  line: number;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: false,
  parseAttributeValue: false,
  parseTagValue: false,
  // Not trimmed: a separator=" " attribute is meaningful; text is trimmed after joining.
  trimValues: false,
  commentPropName: '#comment',
  processEntities: true,
});

/**
 * Parses APIM or Apigee policy XML into elements that know their line. fast-xml-parser reports lines
 * only for malformed input, so start tags are located afterwards: comments, CDATA, processing
 * instructions and DOCTYPE are blanked out (newlines kept), then each element, in document order, is
 * the next `<name` at or after the previous one.
 */
export function parsePolicyXml(text: string, file: string): PolicyElement {
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) throw new PolicyError('ERR_POLICY_XML', file, valid.err.line, `malformed XML: ${valid.err.msg}`);
  const tree = parser.parse(text) as OrderedNode[];
  const masked = text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>/g, (m) => m.replace(/[^\n]/g, ' '));
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  let cursor = 0;
  const locate = (name: string): number => {
    const re = new RegExp(`<${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[\\s/>])`, 'g');
    re.lastIndex = cursor;
    const m = re.exec(masked);
    if (!m) return lineAt(cursor);
    cursor = m.index + 1;
    return lineAt(m.index);
  };
  const build = (node: OrderedNode): PolicyElement | null => {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '#text' || name === '#comment') return null;
    const line = locate(name);
    const children: PolicyElement[] = [];
    const texts: string[] = [];
    for (const child of (node[name] as OrderedNode[]) ?? []) {
      if ('#text' in child) texts.push(String(child['#text']));
      const el = build(child);
      if (el) children.push(el);
    }
    return { name, attributes: { ...(node[':@'] ?? {}) }, children, text: texts.join('').trim(), line };
  };
  const roots = tree.map(build).filter((e): e is PolicyElement => e !== null);
  if (roots.length !== 1) throw new PolicyError('ERR_POLICY_XML', file, 1, `expected one root element, found ${roots.length}`);
  return roots[0];
}
