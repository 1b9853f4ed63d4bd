/**
 * A tokenizer and recursive-descent parser for the subset of APIM policy expressions gatecheck
 * emulates (C# 7, https://learn.microsoft.com/azure/api-management/api-management-policy-expressions).
 * Anything outside the subset is refused with the reason, never guessed; the caller reports it as
 * `not emulated: <expression> at <file>:<line>` with the checks it affects.
 *
 * The subset:
 *   @( expression )            single-statement expressions
 *   @{ return expression; }    a multi-statement block that is one return statement
 *   literals                   "text" (with \" \\ \n \t \uXXXX escapes), @"verbatim", 'c', true, false, null, 123
 *   names                      context, StringComparison (Ordinal, OrdinalIgnoreCase, …)
 *   member access              a.B, a?.B (null-conditional)
 *   calls                      a.M(x, y), a?.M(), a.M<Jwt>(x) (generic type arguments)
 *   indexing                   a["key"], a[1], a?["key"]
 *   casts                      (Jwt)x, (string)x, (bool)x
 *   operators                  ! x, x == y, x != y, x && y, x || y, x ?? y, ( x )
 * Precedence, lowest first, as in C#: `??`, `||`, `&&`, `==` `!=`, unary `!` and casts, then member
 * access, calls and indexing. Everything else (`+`, `<`, `? :`, `new`, lambdas, `$"…"`, statements
 * other than one `return`) is refused here.
 *
 * The members the evaluator (policy-expression-evaluate.ts) gives a meaning to:
 *   context.Request.Method | .Url.Path | .Url.Query | .IpAddress | .Headers
 *   context.Subscription (null without a key) .Key | .Id
 *   context.Variables[name] | .GetValueOrDefault<T>(name[, default]) | .ContainsKey(name)
 *   Jwt (a validation's output variable, or string.AsJwt()): .Claims | .Subject | .Issuer | .Id
 *   Claims, Headers, Query: [name] (string[]; a missing name throws, as in APIM),
 *     .GetValueOrDefault(name[, default]) (the values joined with commas, as Learn documents)
 *   string: .ToString() .ToLower() .ToUpper() (and the Invariant forms) .Trim() .Equals(s[, StringComparison.X])
 *     .StartsWith(s[, cmp]) .EndsWith(s[, cmp]) .Contains(s) (a substring) .Split(c, …) .AsJwt()
 *   string[]: .Contains(s) (a whole element) .First() .Last() .FirstOrDefault() .LastOrDefault() [i]
 *   bool: .ToString()
 * Anything else parses but is refused by the evaluator, whatever the request.
 */
export type PolicyExpression =
  | { kind: 'string'; value: string; at: number }
  | { kind: 'bool'; value: boolean; at: number }
  | { kind: 'null'; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'name'; name: string; at: number }
  | { kind: 'member'; target: PolicyExpression; name: string; nullConditional: boolean; at: number }
  | { kind: 'call'; target: PolicyExpression; method: string; typeArgs: string[]; args: PolicyExpression[]; nullConditional: boolean; at: number }
  | { kind: 'index'; target: PolicyExpression; index: PolicyExpression; nullConditional: boolean; at: number }
  | { kind: 'cast'; type: string; operand: PolicyExpression; at: number }
  | { kind: 'not'; operand: PolicyExpression; at: number }
  | { kind: 'binary'; op: '==' | '!=' | '&&' | '||' | '??'; left: PolicyExpression; right: PolicyExpression; at: number };

/** `at`: the offset from the expression's `@`. */
export type ParsedExpression = { ok: true; expr: PolicyExpression } | { ok: false; reason: string; at: number };

type Token =
  | { t: 'string'; value: string; at: number }
  | { t: 'number'; value: number; at: number }
  | { t: 'ident'; value: string; at: number }
  | { t: 'punct'; value: string; at: number }
  | { t: 'end'; at: number };

/** Types a cast may name: the ones the subset's values have. */
const CAST_TYPES = new Set(['Jwt', 'string', 'String', 'bool', 'Boolean']);
const PUNCT = ['?.', '?[', '??', '==', '!=', '&&', '||', '(', ')', '[', ']', '.', ',', '!', '<', '>', ';', '{', '}'];

class Refusal {
  readonly reason: string;
  readonly at: number;
  constructor(reason: string, at: number) {
    this.reason = reason;
    this.at = at;
  }
}

/** Tokens of `text` from `start` on, each with its offset in `text`. */
function tokenize(text: string, start: number): Token[] {
  const out: Token[] = [];
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) throw new Refusal('comments are outside the supported subset', i);
    if (c === '"' || (c === '@' && text[i + 1] === '"')) {
      const start = i;
      const verbatim = c === '@';
      i += verbatim ? 2 : 1;
      let value = '';
      for (;;) {
        if (i >= text.length) throw new Refusal('a string literal never ends', start);
        const ch = text[i];
        if (verbatim) {
          if (ch === '"' && text[i + 1] === '"') {
            value += '"';
            i += 2;
          } else if (ch === '"') break;
          else value += text[i++];
          continue;
        }
        if (ch === '"') break;
        if (ch === '\n') throw new Refusal('a string literal never ends', start);
        if (ch === '\\') {
          const [decoded, length] = escape(text, i, start);
          value += decoded;
          i += length;
        } else value += text[i++];
      }
      i++;
      out.push({ t: 'string', value, at: start });
      continue;
    }
    if (c === "'") {
      const start = i;
      let value: string;
      if (text[i + 1] === '\\') {
        const [decoded, length] = escape(text, i + 1, start);
        value = decoded;
        i += 1 + length;
      } else {
        value = text[i + 1] ?? '';
        i += 2;
      }
      if (text[i] !== "'" || value === '') throw new Refusal('a malformed character literal', start);
      i++;
      out.push({ t: 'string', value, at: start });
      continue;
    }
    if (c === '$' && text[i + 1] === '"') throw new Refusal('interpolated strings ($"…") are outside the supported subset', i);
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (ident) {
      out.push({ t: 'ident', value: ident[0], at: i });
      i += ident[0].length;
      continue;
    }
    const num = /^\d+(?![\w.])/.exec(text.slice(i));
    if (num) {
      out.push({ t: 'number', value: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    const op = ['>=', '<=', '=>', '++', '--', '+', '-', '*', '/', '%', '?', ':', '=', '|', '&', '^', '~'].find((x) => text.startsWith(x, i) && !PUNCT.some((q) => q.length > x.length && text.startsWith(q, i)));
    if (op) throw new Refusal(`the operator "${op}" is outside the supported subset`, i);
    const p = PUNCT.find((x) => text.startsWith(x, i));
    if (!p) throw new Refusal(`the operator ${JSON.stringify(text.slice(i, i + 2).trim() || c)} is outside the supported subset`, i);
    out.push({ t: 'punct', value: p, at: i });
    i += p.length;
  }
  out.push({ t: 'end', at: text.length });
  return out;
}

/** A C# escape sequence at `i` (the backslash): its character and length. */
function escape(text: string, i: number, start: number): [string, number] {
  const e = text[i + 1];
  const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', n: '\n', r: '\r', t: '\t', '0': '\0' };
  if (e in simple) return [simple[e], 2];
  const u = /^u([0-9A-Fa-f]{4})/.exec(text.slice(i + 1));
  if (u) return [String.fromCharCode(Number.parseInt(u[1], 16)), 6];
  throw new Refusal(`the escape \\${e} is outside the supported subset`, start);
}

class Parser {
  #i = 0;
  readonly tokens: Token[];
  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.#i + offset, this.tokens.length - 1)];
  }
  next(): Token {
    return this.tokens[this.#i++];
  }
  isPunct(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.t === 'punct' && t.value === value;
  }
  expect(value: string): Token {
    const t = this.next();
    if (t.t !== 'punct' || t.value !== value) throw new Refusal(`expected "${value}", found ${describe(t)}`, t.at);
    return t;
  }

  expression(): PolicyExpression {
    return this.coalesce();
  }

  /** `??` is right-associative. */
  coalesce(): PolicyExpression {
    const left = this.or();
    if (!this.isPunct('??')) return left;
    const at = this.next().at;
    return { kind: 'binary', op: '??', left, right: this.coalesce(), at };
  }

  or(): PolicyExpression {
    let left = this.and();
    while (this.isPunct('||')) {
      const at = this.next().at;
      left = { kind: 'binary', op: '||', left, right: this.and(), at };
    }
    return left;
  }

  and(): PolicyExpression {
    let left = this.equality();
    while (this.isPunct('&&')) {
      const at = this.next().at;
      left = { kind: 'binary', op: '&&', left, right: this.equality(), at };
    }
    return left;
  }

  equality(): PolicyExpression {
    let left = this.unary();
    while (this.isPunct('==') || this.isPunct('!=')) {
      const t = this.next() as { value: '==' | '!='; at: number };
      left = { kind: 'binary', op: t.value, left, right: this.unary(), at: t.at };
    }
    if (this.isPunct('<') || this.isPunct('>')) throw new Refusal(`the operator "${(this.peek() as { value: string }).value}" is outside the supported subset`, this.peek().at);
    return left;
  }

  unary(): PolicyExpression {
    if (this.isPunct('!')) {
      const at = this.next().at;
      return { kind: 'not', operand: this.unary(), at };
    }
    // A cast: `(Type)` followed by what can start an operand.
    const type = this.peek(1);
    if (this.isPunct('(') && type.t === 'ident' && this.isPunct(')', 2) && CAST_TYPES.has(type.value)) {
      const after = this.peek(3);
      if (after.t !== 'punct' || after.value === '(' || after.value === '!') {
        const at = this.next().at;
        this.next();
        this.next();
        return { kind: 'cast', type: type.value, operand: this.unary(), at };
      }
    }
    return this.postfix();
  }

  postfix(): PolicyExpression {
    let expr = this.primary();
    for (;;) {
      const t = this.peek();
      if (t.t !== 'punct') return expr;
      if (t.value === '.' || t.value === '?.') {
        this.next();
        const name = this.next();
        if (name.t !== 'ident') throw new Refusal(`expected a member name after "${t.value}", found ${describe(name)}`, name.at);
        const nullConditional = t.value === '?.';
        let typeArgs: string[] = [];
        if (this.isPunct('<')) typeArgs = this.typeArguments();
        if (this.isPunct('(')) {
          expr = { kind: 'call', target: expr, method: name.value, typeArgs, args: this.arguments(), nullConditional, at: name.at };
        } else {
          if (typeArgs.length > 0) throw new Refusal(`type arguments without a call after ${name.value}`, name.at);
          expr = { kind: 'member', target: expr, name: name.value, nullConditional, at: name.at };
        }
      } else if (t.value === '[' || t.value === '?[') {
        this.next();
        const index = this.expression();
        this.expect(']');
        expr = { kind: 'index', target: expr, index, nullConditional: t.value === '?[', at: t.at };
      } else if (t.value === '(') {
        throw new Refusal('only methods can be called (a.M(…)), not a value', t.at);
      } else return expr;
    }
  }

  typeArguments(): string[] {
    this.expect('<');
    const out: string[] = [];
    for (;;) {
      const t = this.next();
      if (t.t !== 'ident') throw new Refusal(`expected a type name, found ${describe(t)}`, t.at);
      out.push(t.value);
      if (this.isPunct('>')) break;
      this.expect(',');
    }
    this.expect('>');
    return out;
  }

  arguments(): PolicyExpression[] {
    this.expect('(');
    const args: PolicyExpression[] = [];
    if (this.isPunct(')')) {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.expression());
      if (this.isPunct(')')) break;
      this.expect(',');
    }
    this.expect(')');
    return args;
  }

  primary(): PolicyExpression {
    const t = this.next();
    switch (t.t) {
      case 'string':
        return { kind: 'string', value: t.value, at: t.at };
      case 'number':
        return { kind: 'number', value: t.value, at: t.at };
      case 'ident':
        if (t.value === 'true' || t.value === 'false') return { kind: 'bool', value: t.value === 'true', at: t.at };
        if (t.value === 'null') return { kind: 'null', at: t.at };
        if (t.value === 'new') throw new Refusal('object and array creation (new …) is outside the supported subset', t.at);
        if (this.isPunct('(')) throw new Refusal(`calling ${t.value}(…) is outside the supported subset`, t.at);
        return { kind: 'name', name: t.value, at: t.at };
      case 'punct':
        if (t.value === '(') {
          const inner = this.expression();
          this.expect(')');
          return inner;
        }
        throw new Refusal(`unexpected ${describe(t)}`, t.at);
      default:
        throw new Refusal('the expression ends too early', t.at);
    }
  }
}

function describe(t: Token): string {
  if (t.t === 'end') return 'the end of the expression';
  if (t.t === 'string') return 'a string';
  return `"${t.value}"`;
}

/**
 * Parses `@(…)` or `@{ return …; }` (the text of an attribute or element, surrounding white space
 * allowed). Every offset (`at`) counts from the `@`.
 */
export function parsePolicyExpression(text: string): ParsedExpression {
  try {
    const body = text.trim();
    if (!/^@[({]/.test(body)) return { ok: false, reason: 'not a policy expression (@(…) or @{…})', at: 0 };
    const p = new Parser(tokenize(body, 1));
    let expr: PolicyExpression;
    if (body[1] === '(') {
      p.expect('(');
      expr = p.expression();
      p.expect(')');
    } else {
      p.expect('{');
      const ret = p.next();
      if (ret.t !== 'ident' || ret.value !== 'return') throw new Refusal('a multi-statement expression other than `{ return …; }` is outside the supported subset', ret.at);
      expr = p.expression();
      p.expect(';');
      if (!p.isPunct('}')) throw new Refusal('a multi-statement expression other than `{ return …; }` is outside the supported subset', p.peek().at);
      p.expect('}');
    }
    const rest = p.peek();
    if (rest.t !== 'end') throw new Refusal(`unexpected ${describe(rest)} after the expression`, rest.at);
    return { ok: true, expr };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, reason: err.reason, at: err.at };
    throw err;
  }
}
