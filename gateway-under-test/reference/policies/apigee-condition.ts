/**
 * Apigee `<Condition>` text, parsed and evaluated against one request (method and path), for the part
 * of the language that decides routes: `proxy.pathsuffix` and `request.path` compared with `=`,
 * `MatchesPath`, `Matches` or `JavaWildcardMatch`, `request.verb` compared with `=` or `!=`, joined with
 * `and`, `or`, `not` and parentheses. Anything else evaluates to `unknown`, never to a guess: the caller
 * reports it as not emulated.
 *
 * Verified on public Apigee pages:
 * - https://cloud.google.com/apigee/docs/api-platform/reference/conditions-reference: the statement form
 *   `variable operator "value"`, the example `(proxy.pathsuffix MatchesPath "/statuses") and
 *   (request.verb = "GET")`, and that only named flows are conditional (PreFlow and PostFlow always run).
 * - https://cloud.google.com/apigee/docs/api-platform/fundamentals/flow-variables-and-conditions: `=`
 *   (equals), `!=` (notequals), the textual forms `equals` and `notequals`, `~/` for MatchesPath and `~~`
 *   for JavaRegex.
 * - https://docs.apigee.com/api-platform/fundamentals/pattern-matching-conditional-statements: `Matches`
 *   and `~` are the same operator, matching literally or with `*` as zero or more characters;
 *   `proxy.pathsuffix` is the path after the proxy's base path (`/animals/cat` under `/animals` is `/cat`).
 * Not verified here, and implemented as the same page describes MatchesPath elsewhere: `*` in a
 * MatchesPath pattern is one path segment and `**` any number of them; that matching is case-sensitive
 * and that `/orders` does not match `/orders/`. `JavaWildcardMatch` is taken as `Matches`. `&&`, `||` and
 * `!` are read as `and`, `or` and `not`.
 * Community reports, not documentation: on the trailing slash, a user saw a flow with
 * `MatchesPath "/extensive-search"` skip `/extensive-search/`, and the accepted answer matched both with a
 * regex (https://community.apigee.com/questions/3212/). On `**` matching no segment at all, a Stack
 * Overflow asker reported that a pattern with a `**` segment before and after `/india/blr` missed paths
 * that start or end with `/india/blr` (https://stackoverflow.com/questions/21228086/), which would mean
 * such a `**` needs at least one segment; this matcher lets `**` match none, so it takes a trailing `**`
 * segment after `/orders` to cover `/orders` itself, where Apigee may not.
 */
export type ApigeeCondition =
  | { kind: 'and' | 'or'; left: ApigeeCondition; right: ApigeeCondition }
  | { kind: 'not'; operand: ApigeeCondition }
  | { kind: 'literal'; value: boolean }
  | { kind: 'compare'; variable: string; operator: string; value: string; text: string };

export interface ConditionRequest {
  verb: string;
  /** The path after the proxy's base path. */
  pathsuffix: string;
  /** The whole request path, base path included. */
  path: string;
}

export type Truth = boolean | 'unknown';

const OPERATORS: Record<string, string> = {
  '=': 'equals',
  '==': 'equals',
  equals: 'equals',
  '!=': 'notequals',
  notequals: 'notequals',
  ':=': 'equalsci',
  equalscaseinsensitive: 'equalsci',
  matchespath: 'matchespath',
  likepath: 'matchespath',
  '~/': 'matchespath',
  matches: 'matches',
  like: 'matches',
  '~': 'matches',
  javawildcardmatch: 'matches',
};
const SYMBOLS = ['~~', '~/', ':=', '!=', '==', '&&', '||', '=', '~', '!', '(', ')'];

type Token = { type: 'word' | 'string' | 'symbol'; value: string };

function tokenize(text: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return undefined;
      out.push({ type: 'string', value: text.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const sym = SYMBOLS.find((s) => text.startsWith(s, i));
    if (sym) {
      out.push({ type: 'symbol', value: sym });
      i += sym.length;
      continue;
    }
    const m = /^[^\s()"'=!~:&|]+/.exec(text.slice(i));
    if (!m) return undefined;
    out.push({ type: 'word', value: m[0] });
    i += m[0].length;
  }
  return out;
}

/** Parses a condition; undefined when its syntax is outside what gatecheck reads. */
export function parseApigeeCondition(text: string): ApigeeCondition | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, ...w: string[]) => t !== undefined && t.type === 'word' && w.includes(t.value.toLowerCase());
  const isSym = (t: Token | undefined, ...s: string[]) => t !== undefined && t.type === 'symbol' && s.includes(t.value);
  const or = (): ApigeeCondition | undefined => {
    let left = and();
    while (left && (isWord(peek(), 'or') || isSym(peek(), '||'))) {
      pos++;
      const right = and();
      if (!right) return undefined;
      left = { kind: 'or', left, right };
    }
    return left;
  };
  const and = (): ApigeeCondition | undefined => {
    let left = unary();
    while (left && (isWord(peek(), 'and') || isSym(peek(), '&&'))) {
      pos++;
      const right = unary();
      if (!right) return undefined;
      left = { kind: 'and', left, right };
    }
    return left;
  };
  const unary = (): ApigeeCondition | undefined => {
    const t = peek();
    if (isWord(t, 'not') || isSym(t, '!')) {
      pos++;
      const operand = unary();
      return operand && { kind: 'not', operand };
    }
    if (isSym(t, '(')) {
      pos++;
      const inner = or();
      if (!inner || !isSym(peek(), ')')) return undefined;
      pos++;
      return inner;
    }
    const next = tokens[pos + 1];
    if (isWord(t, 'true', 'false') && (next === undefined || isSym(next, ')', '&&', '||') || isWord(next, 'and', 'or'))) {
      pos++;
      return { kind: 'literal', value: t!.value.toLowerCase() === 'true' };
    }
    if (!t || t.type !== 'word') return undefined;
    const variable = t.value;
    const op = tokens[pos + 1];
    const value = tokens[pos + 2];
    if (!op || op.type === 'string' || !value || value.type === 'symbol') return undefined;
    pos += 3;
    return { kind: 'compare', variable, operator: op.value.toLowerCase(), value: value.value, text: `${variable} ${op.value} "${value.value}"` };
  };
  const result = or();
  return result && pos === tokens.length ? result : undefined;
}

/** The truth of a condition for one request; `unknown` wherever it depends on anything but the verb and path. */
export function evaluateApigeeCondition(c: ApigeeCondition, r: ConditionRequest): Truth {
  switch (c.kind) {
    case 'literal':
      return c.value;
    case 'not': {
      const v = evaluateApigeeCondition(c.operand, r);
      return v === 'unknown' ? v : !v;
    }
    case 'and': {
      const a = evaluateApigeeCondition(c.left, r);
      const b = evaluateApigeeCondition(c.right, r);
      if (a === false || b === false) return false;
      return a === 'unknown' || b === 'unknown' ? 'unknown' : true;
    }
    case 'or': {
      const a = evaluateApigeeCondition(c.left, r);
      const b = evaluateApigeeCondition(c.right, r);
      if (a === true || b === true) return true;
      return a === 'unknown' || b === 'unknown' ? 'unknown' : false;
    }
    case 'compare':
      return compare(c, r);
  }
}

function compare(c: Extract<ApigeeCondition, { kind: 'compare' }>, r: ConditionRequest): Truth {
  const op = OPERATORS[c.operator];
  const variable = c.variable.toLowerCase();
  if (!op) return 'unknown';
  if (variable === 'request.verb') {
    if (op === 'equals') return r.verb === c.value;
    if (op === 'notequals') return r.verb !== c.value;
    if (op === 'equalsci') return r.verb.toUpperCase() === c.value.toUpperCase();
    return 'unknown';
  }
  const subject = variable === 'proxy.pathsuffix' ? r.pathsuffix : variable === 'request.path' ? r.path : undefined;
  if (subject === undefined) return 'unknown';
  if (op === 'equals') return subject === c.value;
  if (op === 'notequals') return subject !== c.value;
  if (op === 'matchespath') return matchesPath(c.value, subject);
  if (op === 'matches') return wildcard(c.value).test(subject);
  return 'unknown';
}

/** `*` one path segment, `**` any number of them (zero included); everything else literal. */
export function matchesPath(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const s = path.split('/');
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === s.length;
    if (p[i] === '**') {
      for (let k = j; k <= s.length; k++) if (match(i + 1, k)) return true;
      return false;
    }
    if (j === s.length) return false;
    const segment = p[i] === '*' ? s[j] !== '' : p[i] === s[j];
    return segment && match(i + 1, j + 1);
  };
  return match(0, 0);
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

/** The comparisons a condition makes, for listing the paths and verbs it names. */
export function comparisons(c: ApigeeCondition): Extract<ApigeeCondition, { kind: 'compare' }>[] {
  if (c.kind === 'compare') return [c];
  if (c.kind === 'not') return comparisons(c.operand);
  if (c.kind === 'and' || c.kind === 'or') return [...comparisons(c.left), ...comparisons(c.right)];
  return [];
}

/** Comparisons whose truth gatecheck cannot know: outside the verb-and-path subset. */
export function unsupportedComparisons(c: ApigeeCondition): string[] {
  const probe: ConditionRequest = { verb: 'GET', pathsuffix: '/', path: '/' };
  return comparisons(c).filter((x) => compare(x, probe) === 'unknown').map((x) => x.text);
}
