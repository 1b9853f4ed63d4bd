import type { PolicyElement } from './parse-policy-xml.ts';
import type { PolicyValues } from './policy-values.ts';

/** A reference the values did not answer, as the policy writes it. */
export interface UnresolvedReference {
  /** The key a values file would give it under. */
  name: string;
  /** How the policy writes it: `{{name}}`, `<Issuer ref="name">`, `{name}` in a URI. */
  written: string;
  line: number;
  /** The file it is in, when the element names its own (a policy composed from a folder). */
  file?: string;
}

const NAMED_VALUE = /\{\{([^{}]+)\}\}/g;
const PLACEHOLDER = /\{([^{}]+)\}/g;

/**
 * Puts the values of a policy's references into a copy of its elements, so the readers see the policy
 * as the gateway runs it. APIM: `{{named value}}` anywhere in an attribute or text, and the `{name}`
 * placeholders of published examples where the values name them (elsewhere braces are literal text in
 * APIM). Apigee: an element's `ref` (its text becomes the variable's value, as at run time; without a
 * value the element's own text is Apigee's fallback), `<JWKS uriRef>`, and `{variable}` templates in a
 * JWKS `uri`. What the values don't answer is returned, never guessed.
 */
export function resolvePolicyReferences(root: PolicyElement, kind: 'apim' | 'apigee', values: PolicyValues | undefined): { root: PolicyElement; unresolved: UnresolvedReference[] } {
  const known = values?.values ?? new Map<string, string>();
  const unresolved: UnresolvedReference[] = [];
  const visit = (el: PolicyElement): PolicyElement => {
    // The key an encrypted JWT is decrypted with is never read: gatecheck refuses encrypted JWTs.
    if (kind === 'apigee' && el.name === 'PrivateKey') return el;
    const copy: PolicyElement = { ...el, attributes: { ...el.attributes }, children: el.children.map(visit) };
    const used: string[] = [];
    if (kind === 'apim') {
      const substitute = (s: string): string => {
        const named = s.replace(NAMED_VALUE, (whole, name: string) => {
          const key = name.trim();
          const v = known.get(key);
          if (v === undefined) {
            unresolved.push({ name: key, written: whole, line: el.line, file: el.file });
            return whole;
          }
          used.push(whole);
          return v;
        });
        // Single braces are literal in APIM; only a published example's placeholder the values name is replaced.
        return replacePlaceholders(named, (name) => {
          const v = known.get(name.trim());
          if (v !== undefined) used.push(`{${name}}`);
          return v;
        });
      };
      for (const [a, v] of Object.entries(copy.attributes)) copy.attributes[a] = substitute(v);
      copy.text = substitute(copy.text);
    } else {
      const ref = copy.attributes.ref;
      if (ref !== undefined) {
        const v = known.get(ref.trim());
        if (v !== undefined) {
          copy.text = v;
          used.push(`ref="${ref}"`);
        } else if (!copy.text) unresolved.push({ name: ref.trim(), written: `<${el.name} ref="${ref}">`, line: el.line });
      }
      if (el.name === 'JWKS') {
        const uriRef = copy.attributes.uriRef;
        if (uriRef !== undefined) {
          const v = known.get(uriRef.trim());
          if (v !== undefined) {
            copy.attributes.uri = v;
            used.push(`uriRef="${uriRef}"`);
          } else if (copy.attributes.uri === undefined) unresolved.push({ name: uriRef.trim(), written: `<JWKS uriRef="${uriRef}">`, line: el.line });
        }
        if (copy.attributes.uri !== undefined) {
          copy.attributes.uri = copy.attributes.uri.replace(PLACEHOLDER, (whole, name: string) => {
            const v = known.get(name.trim());
            if (v === undefined) {
              unresolved.push({ name: name.trim(), written: `${whole} in <JWKS uri>`, line: el.line });
              return whole;
            }
            used.push(whole);
            return v;
          });
        }
      }
    }
    if (used.length > 0) copy.resolved = used;
    return copy;
  };
  const resolved = visit(root);
  return { root: resolved, unresolved: unresolved.sort((a, b) => a.line - b.line) };
}

/**
 * Replaces `{name}` where `lookup` knows the name, outermost first: published placeholders nest, as in
 * `{issuer-value - (ex: https://sts.windows.net/{tenant id}/)}`.
 */
function replacePlaceholders(s: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (s[i] === '{') {
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === '{') depth++;
        else if (s[j] === '}' && --depth === 0) break;
      }
      if (j < s.length) {
        const v = lookup(s.slice(i + 1, j));
        if (v !== undefined) {
          out += v;
          i = j + 1;
          continue;
        }
      }
    }
    out += s[i++];
  }
  return out;
}
