import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapePolicyExpressions } from './escape-policy-expressions.ts';
import { PolicyError } from './policy-error.ts';

/** One element of a policy document, with the line its start tag is on. */
export interface PolicyElement {
  name: string;
  attributes: Record<string, string>;
  children: PolicyElement[];
  /** Concatenated text content, trimmed (policy expressions and key material live here). */
  text: string;
  line: number;
  /**
   * The file the element was written in, when it differs from the document's: set on the elements of a
   * policy composed from an APIOps folder's scopes, so every message names the file its line is in.
   */
  file?: string;
  /** References resolved into this element (`{{named value}}`, Apigee `ref`), as written in the policy. */
  resolved?: string[];
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
  // Every file of an exported Apigee bundle, and many APIM exports, start with <?xml …?>.
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** The name of the element that holds a file's top-level policies when it has several (a published snippet). */
export const FRAGMENT_ROOT = '#fragment';
const WRAPPER = 'gatecheck-top-level';

/**
 * Parses APIM or Apigee policy XML, as exported, into elements that know their line: a BOM, an XML
 * declaration, comments and CDATA are fine, and so are APIM policy expressions written unescaped (see
 * escapePolicyExpressions). A file with several top-level elements (a snippet as Microsoft Learn
 * publishes it) comes back under one FRAGMENT_ROOT element. fast-xml-parser reports lines only for
 * malformed input, so start tags are located afterwards: comments, CDATA, processing instructions and
 * DOCTYPE are blanked out (newlines kept), then each element, in document order, is the next `<name`
 * at or after the previous one.
 */
export function parsePolicyXml(source: string, file: string): PolicyElement {
  const original = source.replace(/^\uFEFF/, '');
  const escaped = escapePolicyExpressions(original);
  // Several top-level elements are read inside a wrapper on line 1 (the XML declaration, which must come
  // first, blanked out), so line numbers stay those of the file.
  const wrap = (t: string) => `<${WRAPPER}>${t.replace(/^\s*<\?xml[^>]*\?>/, (m) => m.replace(/[^\n]/g, ' '))}</${WRAPPER}>`;
  const candidates = [original, escaped, wrap(original), wrap(escaped)];
  const text = candidates.find((t) => XMLValidator.validate(t, { allowBooleanAttributes: false }) === true);
  if (text === undefined) {
    // The error that remains once expressions and several roots are accounted for is the one to fix.
    const last = XMLValidator.validate(candidates[3], { allowBooleanAttributes: false });
    const first = XMLValidator.validate(original, { allowBooleanAttributes: false });
    const err = last !== true && !last.err.msg.includes(WRAPPER) ? last.err : first !== true ? first.err : undefined;
    throw new PolicyError('ERR_POLICY_XML', file, err?.line ?? 1, `malformed XML: ${err?.msg ?? 'unreadable'}`);
  }
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
    if (!name || name === '#text' || name === '#comment' || name.startsWith('?')) return null;
    const line = locate(name);
    const children: PolicyElement[] = [];
    const texts: string[] = [];
    for (const child of (node[name] as OrderedNode[]) ?? []) {
      if ('#text' in child) texts.push(String(child['#text']));
      const el = build(child);
      if (el) children.push(el);
    }
    const attributes = { ...(node[':@'] ?? {}) };
    for (const [a, v] of Object.entries(attributes)) {
      // fast-xml-parser lets this through; XML (and so APIM and Apigee) does not.
      if (v.includes('<') && !/^\s*@[({]/.test(v)) throw new PolicyError('ERR_POLICY_XML', file, line, `malformed XML: "<" in the value of attribute ${a} of <${name}> (write &lt;, or replace the placeholder it marks)`);
    }
    return { name, attributes, children, text: texts.join('').trim(), line };
  };
  let roots = tree.map(build).filter((e): e is PolicyElement => e !== null);
  if (roots.length === 1 && roots[0].name === WRAPPER) roots = roots[0].children;
  if (roots.length === 0) throw new PolicyError('ERR_POLICY_XML', file, 1, 'no element: expected an APIM <policies> document or an Apigee policy');
  if (roots.length === 1) return roots[0];
  return { name: FRAGMENT_ROOT, attributes: {}, children: roots, text: '', line: roots[0].line };
}
