/**
 * APIM accepts policy expressions written the way C# reads them, inside XML that is then no longer
 * well-formed: `condition="@(context.Request.Method == "POST" && x)"`, `<set-body>@{ if (a < b) … }</set-body>`.
 * Microsoft Learn prints its examples that way, and the management API's `rawxml` format (what APIOps
 * extracts) returns them as written. This escapes `"`, `<` and `&` inside each expression that starts
 * an attribute value or an element's text, so an XML parser can read the document; newlines are kept,
 * so every line number stays the same. Expressions are delimited by balancing their parentheses or
 * braces, skipping C# string and character literals and comments.
 */
export function escapePolicyExpressions(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('@', i);
    if (at === -1) break;
    const open = text[at + 1];
    const context = open === '(' || open === '{' ? expressionContext(text, at) : undefined;
    const end = context ? expressionEnd(text, at + 1) : -1;
    if (!context || end === -1) {
      out += text.slice(i, at + 1);
      i = at + 1;
      continue;
    }
    out += text.slice(i, at) + escapeExpression(text.slice(at, end), context);
    i = end;
  }
  return out + text.slice(i);
}

/** `attribute` when `@` opens a double-quoted attribute value, `text` when it opens an element's text. */
function expressionContext(text: string, at: number): 'attribute' | 'text' | undefined {
  let j = at - 1;
  if (text[j] === '"' && /=\s*$/.test(text.slice(Math.max(0, j - 8), j))) return 'attribute';
  while (j >= 0 && /\s/.test(text[j])) j--;
  return text[j] === '>' ? 'text' : undefined;
}

/** Index just past the bracket that closes the one at `start`, or -1 when it never closes. */
function expressionEnd(text: string, start: number): number {
  const closing: string[] = [];
  let i = start;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '(' || c === '{' || c === '[') closing.push(c === '(' ? ')' : c === '{' ? '}' : ']');
    else if (c === ')' || c === '}' || c === ']') {
      if (closing.pop() !== c) return -1;
      if (closing.length === 0) return i + 1;
    } else if (c === '/' && next === '/') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
      continue;
    } else if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close === -1) return -1;
      i = close + 2;
      continue;
    } else if (c === '"') {
      i = stringEnd(text, i, text[i - 1] === '@' || (text[i - 1] === '$' && text[i - 2] === '@') || (text[i - 1] === '@' && text[i - 2] === '$'));
      if (i === -1) return -1;
      continue;
    } else if (c === "'") {
      // A character literal: 'x' or an escape such as '\''.
      const m = /^'(?:\\.[^']*|[^'\\])'/.exec(text.slice(i, i + 12));
      if (m) {
        i += m[0].length;
        continue;
      }
    }
    i++;
  }
  return -1;
}

/** Index just past the string literal opening at `i` (regular with `\` escapes, or verbatim with `""`). */
function stringEnd(text: string, i: number, verbatim: boolean): number {
  let j = i + 1;
  while (j < text.length) {
    if (verbatim) {
      if (text[j] === '"' && text[j + 1] === '"') j += 2;
      else if (text[j] === '"') return j + 1;
      else j++;
    } else if (text[j] === '\\') j += 2;
    else if (text[j] === '"') return j + 1;
    else if (text[j] === '\n') return -1;
    else j++;
  }
  return -1;
}

const ENTITY = /^&(?:quot|amp|lt|gt|apos|#\d+|#x[0-9a-f]+);/i;

function escapeExpression(expr: string, context: 'attribute' | 'text'): string {
  let out = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '&') out += ENTITY.test(expr.slice(i, i + 10)) ? '&' : '&amp;';
    else if (c === '<') out += '&lt;';
    else if (c === '"' && context === 'attribute') out += '&quot;';
    else out += c;
  }
  return out;
}
