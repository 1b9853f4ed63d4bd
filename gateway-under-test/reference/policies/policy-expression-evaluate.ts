import type { PolicyExpression } from './policy-expression-parse.ts';

/**
 * What an APIM policy expression sees of a request: the members of `context` the subset reads
 * (https://learn.microsoft.com/azure/api-management/api-management-policy-expressions#ContextVariables).
 */
export interface ExpressionRequest {
  /** context.Request.Method, as sent (HTTP methods are case-sensitive: "POST"). */
  method: string;
  /** context.Request.Url.Path */
  path: string;
  /** context.Request.IpAddress */
  ipAddress: string;
  /** context.Request.Headers: names case-insensitive, each with its values. */
  headers: Record<string, string[]>;
  /** context.Request.Url.Query */
  query: Record<string, string[]>;
  /**
   * context.Variables: what `set-variable` stored (strings, booleans) and the `Jwt` a validation's
   * `output-token-variable-name` holds, given by its claims.
   */
  variables: Record<string, string | boolean | { jwt: Record<string, unknown> }>;
  /** context.Subscription: null when the request carries no subscription key. */
  subscription: { key: string; id: string } | null;
}

/**
 * `value`: what the expression computes. `error`: what APIM raises at run time (a null reference, a
 * missing dictionary key, an invalid cast), after which it runs on-error and answers 500 by default.
 * `unsupported`: a member, method or operand outside the subset, somewhere in the expression.
 */
export type EvaluationResult =
  | { kind: 'value'; value: string | boolean | number | null | string[] | { jwt: Record<string, unknown> } }
  | { kind: 'error'; message: string; at: number }
  | { kind: 'unsupported'; message: string; at: number };

/** The runtime values of the subset. Strings, booleans and numbers are JavaScript's own. */
type Value = string | boolean | number | null | StringArray | Jwt | Dictionary | Obj;
class StringArray {
  readonly items: string[];
  constructor(items: string[]) {
    this.items = items;
  }
}
class Jwt {
  readonly claims: Record<string, unknown>;
  constructor(claims: Record<string, unknown>) {
    this.claims = claims;
  }
}
/** A read-only dictionary of APIM's: claims and headers map to string[], variables to any value. */
class Dictionary {
  readonly what: 'claims' | 'headers' | 'query' | 'variables';
  readonly get: (key: string) => Value | undefined;
  constructor(what: Dictionary['what'], get: (key: string) => Value | undefined) {
    this.what = what;
    this.get = get;
  }
}
class Obj {
  readonly type: 'context' | 'request' | 'url' | 'subscription' | 'StringComparison';
  constructor(type: Obj['type']) {
    this.type = type;
  }
}

class Fault {
  readonly kind: 'error' | 'unsupported';
  readonly message: string;
  readonly at: number;
  constructor(kind: Fault['kind'], message: string, at: number) {
    this.kind = kind;
    this.message = message;
    this.at = at;
  }
}

const COMPARISONS = new Set(['Ordinal', 'OrdinalIgnoreCase', 'InvariantCulture', 'InvariantCultureIgnoreCase', 'CurrentCulture', 'CurrentCultureIgnoreCase']);
/** Jwt members that are one registered claim (RFC 7519 §4.1). */
const JWT_CLAIM: Record<string, string> = { Subject: 'sub', Issuer: 'iss', Id: 'jti' };

/** A claim as APIM's `Jwt.Claims` holds it: string[] (a JSON array's elements, or the one value). */
function claimValues(v: unknown): string[] {
  const one = (x: unknown) => (typeof x === 'string' ? x : typeof x === 'boolean' ? (x ? 'True' : 'False') : typeof x === 'number' ? String(x) : JSON.stringify(x));
  return Array.isArray(v) ? v.map(one) : [one(v)];
}

/** A compact JWS's payload as `AsJwt()` reads it (without checking anything), or null. */
function asJwt(s: string): Jwt | null {
  const parts = s.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[0] || !parts[1]) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? new Jwt(claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function typeName(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'int';
  if (v instanceof StringArray) return 'string[]';
  if (v instanceof Jwt) return 'Jwt';
  if (v instanceof Dictionary) return `the ${v.what} dictionary`;
  return v.type;
}

class Evaluator {
  readonly request: ExpressionRequest;
  constructor(request: ExpressionRequest) {
    this.request = request;
  }

  /**
   * Every operand is evaluated, even where C# would short-circuit, so a construct outside the subset
   * is refused whatever the request; a run-time error only counts where C# would reach it.
   */
  eval(e: PolicyExpression): Value | Fault {
    switch (e.kind) {
      case 'string':
      case 'bool':
      case 'number':
        return e.value;
      case 'null':
        return null;
      case 'name':
        if (e.name === 'context') return new Obj('context');
        if (e.name === 'StringComparison') return new Obj('StringComparison');
        return new Fault('unsupported', `the name ${e.name} is outside the supported subset`, e.at);
      case 'not': {
        const v = this.eval(e.operand);
        if (v instanceof Fault) return v;
        return typeof v === 'boolean' ? !v : new Fault('unsupported', `! on ${typeName(v)}`, e.at);
      }
      case 'cast':
        return this.cast(e);
      case 'binary':
        return this.binary(e);
      case 'member':
      case 'call':
      case 'index': {
        const target = this.eval(e.target);
        const args = e.kind === 'call' ? e.args.map((a) => this.eval(a)) : e.kind === 'index' ? [this.eval(e.index)] : [];
        const unsupported = [target, ...args].find((x) => x instanceof Fault && x.kind === 'unsupported');
        if (unsupported) return unsupported;
        const result = this.access(e, target, args);
        // Refusals of the member itself come before the run-time errors of its operands.
        if (result instanceof Fault && result.kind === 'unsupported') return result;
        if (target instanceof Fault) return target;
        const failed = args.find((a) => a instanceof Fault);
        if (failed) return failed;
        return result;
      }
    }
  }

  cast(e: Extract<PolicyExpression, { kind: 'cast' }>): Value | Fault {
    const v = this.eval(e.operand);
    if (v instanceof Fault || v === null) return v;
    const ok = e.type === 'Jwt' ? v instanceof Jwt : e.type === 'string' || e.type === 'String' ? typeof v === 'string' : typeof v === 'boolean';
    return ok ? v : new Fault('error', `InvalidCastException: (${e.type}) of ${typeName(v)}`, e.at);
  }

  binary(e: Extract<PolicyExpression, { kind: 'binary' }>): Value | Fault {
    const l = this.eval(e.left);
    const r = this.eval(e.right);
    if (l instanceof Fault && l.kind === 'unsupported') return l;
    if (r instanceof Fault && r.kind === 'unsupported') return r;
    if (e.op === '&&' || e.op === '||') {
      if (l instanceof Fault) return l;
      if (typeof l !== 'boolean') return new Fault('unsupported', `${e.op} on ${typeName(l)}`, e.at);
      if (e.op === '&&' ? !l : l) return l;
      if (r instanceof Fault) return r;
      return typeof r === 'boolean' ? r : new Fault('unsupported', `${e.op} on ${typeName(r)}`, e.at);
    }
    if (e.op === '??') {
      if (l instanceof Fault) return l;
      return l !== null ? l : r;
    }
    if (l instanceof Fault) return l;
    if (r instanceof Fault) return r;
    const scalar = (v: Value) => v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number';
    if (!scalar(l) || !scalar(r)) return new Fault('unsupported', `${e.op} between ${typeName(l)} and ${typeName(r)} (only strings, booleans, numbers and null)`, e.at);
    if (l !== null && r !== null && typeof l !== typeof r) return new Fault('unsupported', `${e.op} between ${typeName(l)} and ${typeName(r)}`, e.at);
    // C# string == is ordinal and case-sensitive.
    return e.op === '==' ? l === r : l !== r;
  }

  access(e: Extract<PolicyExpression, { kind: 'member' | 'call' | 'index' }>, target: Value | Fault, args: (Value | Fault)[]): Value | Fault {
    const name = e.kind === 'member' ? e.name : e.kind === 'call' ? e.method : '[]';
    const shown = e.kind === 'call' ? `${name}(…)` : e.kind === 'index' ? 'indexing' : name;
    // Which members exist depends on the static type; a failed target has none to check, so look at the name only.
    if (target instanceof Fault) return this.known(e, name) ? target : new Fault('unsupported', `${shown} is outside the supported subset`, e.at);
    if (target === null) {
      if (!this.known(e, name)) return new Fault('unsupported', `${shown} is outside the supported subset`, e.at);
      return e.nullConditional ? null : new Fault('error', `NullReferenceException: ${shown} of null`, e.at);
    }
    const a = args as Value[];
    const r = this.request;
    if (target instanceof Obj) {
      if (e.kind !== 'member') return new Fault('unsupported', `${shown} on ${target.type}`, e.at);
      switch (`${target.type}.${e.name}`) {
        case 'context.Request':
          return new Obj('request');
        case 'context.Variables':
          return new Dictionary('variables', (k) => {
            const v = r.variables[k];
            return v === undefined ? undefined : typeof v === 'object' ? new Jwt(v.jwt) : v;
          });
        case 'context.Subscription':
          return r.subscription ? new Obj('subscription') : null;
        case 'request.Method':
          return r.method;
        case 'request.Url':
          return new Obj('url');
        case 'request.IpAddress':
          return r.ipAddress;
        case 'request.Headers':
          return headerDictionary('headers', r.headers);
        case 'url.Path':
          return r.path;
        case 'url.Query':
          return headerDictionary('query', r.query);
        case 'subscription.Key':
          return r.subscription!.key;
        case 'subscription.Id':
          return r.subscription!.id;
      }
      if (target.type === 'StringComparison' && COMPARISONS.has(e.name)) return `StringComparison.${e.name}`;
      return new Fault('unsupported', `${describeMember(target.type)}.${e.name} is outside the supported subset`, e.at);
    }
    if (target instanceof Jwt) {
      if (e.kind === 'member' && e.name === 'Claims') return new Dictionary('claims', (k) => (target.claims[k] === undefined || target.claims[k] === null ? undefined : new StringArray(claimValues(target.claims[k]))));
      if (e.kind === 'member' && JWT_CLAIM[e.name]) {
        const v = target.claims[JWT_CLAIM[e.name]];
        return typeof v === 'string' ? v : null;
      }
      return new Fault('unsupported', `Jwt.${shown} is outside the supported subset (Claims, Subject, Issuer, Id)`, e.at);
    }
    if (target instanceof Dictionary) return this.dictionary(e, target, a);
    if (typeof target === 'string') return this.string(e, target, a);
    if (target instanceof StringArray) return this.array(e, target, a);
    if (e.kind === 'call' && e.method === 'ToString' && a.length === 0) return typeof target === 'boolean' ? (target ? 'True' : 'False') : String(target);
    return new Fault('unsupported', `${shown} on ${typeName(target)} is outside the supported subset`, e.at);
  }

  /** Whether a member name is one the subset knows on some type (for a target that is null or failed). */
  known(e: Extract<PolicyExpression, { kind: 'member' | 'call' | 'index' }>, name: string): boolean {
    if (e.kind === 'index') return true;
    if (e.kind === 'member') return ['Request', 'Variables', 'Subscription', 'Method', 'Url', 'IpAddress', 'Headers', 'Path', 'Query', 'Key', 'Id', 'Claims', 'Subject', 'Issuer'].includes(name);
    return STRING_METHODS.has(name) || ARRAY_METHODS.has(name) || DICTIONARY_METHODS.has(name);
  }

  dictionary(e: Extract<PolicyExpression, { kind: 'member' | 'call' | 'index' }>, d: Dictionary, a: Value[]): Value | Fault {
    if (e.kind === 'index') {
      if (typeof a[0] !== 'string') return new Fault('unsupported', `indexing the ${d.what} dictionary with ${typeName(a[0])}`, e.at);
      const v = d.get(a[0]);
      return v === undefined ? new Fault('error', `KeyNotFoundException: ${d.what} has no "${a[0]}"`, e.at) : v;
    }
    if (e.kind === 'call' && e.method === 'ContainsKey' && a.length === 1 && typeof a[0] === 'string') return d.get(a[0]) !== undefined;
    if (e.kind === 'call' && e.method === 'GetValueOrDefault' && typeof a[0] === 'string' && a.length <= 2) {
      const v = d.get(a[0]);
      if (d.what === 'variables') {
        const type = e.typeArgs[0];
        if (e.typeArgs.length > 1 || (type && !CAST_TARGET[type])) return new Fault('unsupported', `GetValueOrDefault<${e.typeArgs.join(', ')}> is outside the supported subset`, e.at);
        if (v === undefined) return a.length === 2 ? a[1] : null;
        if (type && !CAST_TARGET[type](v)) return new Fault('error', `InvalidCastException: variable "${a[0]}" is not ${type}`, e.at);
        return v;
      }
      if (e.typeArgs.length > 0) return new Fault('unsupported', `GetValueOrDefault<${e.typeArgs.join(', ')}> on ${d.what}`, e.at);
      // Claims, headers and query parameters: the values joined with commas (documented), or the default.
      if (a.length === 2 && typeof a[1] !== 'string' && a[1] !== null) return new Fault('unsupported', `GetValueOrDefault with a ${typeName(a[1])} default`, e.at);
      if (v === undefined) return a.length === 2 ? a[1] : null;
      return (v as StringArray).items.join(',');
    }
    return new Fault('unsupported', `${e.kind === 'call' ? `${e.method}(…)` : e.name} on the ${d.what} dictionary is outside the supported subset`, e.at);
  }

  string(e: Extract<PolicyExpression, { kind: 'member' | 'call' | 'index' }>, s: string, a: Value[]): Value | Fault {
    if (e.kind !== 'call') return new Fault('unsupported', `${e.kind === 'member' ? e.name : 'indexing'} on a string is outside the supported subset`, e.at);
    const strings = a.every((x) => typeof x === 'string');
    const ignoreCase = (x: Value | undefined) => typeof x === 'string' && x.startsWith('StringComparison.') && x.endsWith('IgnoreCase');
    const fold = (x: string, cmp: Value | undefined) => (ignoreCase(cmp) ? x.toUpperCase() : x);
    const compared = a.length === 1 || (a.length === 2 && typeof a[1] === 'string' && a[1].startsWith('StringComparison.'));
    switch (e.method) {
      case 'ToString':
        if (a.length === 0) return s;
        break;
      case 'ToLower':
      case 'ToLowerInvariant':
        if (a.length === 0) return s.toLowerCase();
        break;
      case 'ToUpper':
      case 'ToUpperInvariant':
        if (a.length === 0) return s.toUpperCase();
        break;
      case 'Trim':
        if (a.length === 0) return s.trim();
        break;
      case 'Equals':
        if (compared && (typeof a[0] === 'string' || a[0] === null)) return a[0] !== null && fold(s, a[1]) === fold(a[0], a[1]);
        break;
      case 'StartsWith':
      case 'EndsWith':
      case 'Contains':
        if (compared && typeof a[0] === 'string') {
          const [x, y] = [fold(s, a[1]), fold(a[0], a[1])];
          return e.method === 'StartsWith' ? x.startsWith(y) : e.method === 'EndsWith' ? x.endsWith(y) : x.includes(y);
        }
        if (compared && a[0] === null) return new Fault('error', `ArgumentNullException: ${e.method}(null)`, e.at);
        break;
      case 'Split':
        // Split(' ') and Split(' ', ','): separators are characters; no options, no counts.
        if (a.length > 0 && strings && a.every((x) => (x as string).length === 1)) {
          const seps = a as string[];
          const parts: string[] = [];
          let cur = '';
          for (const ch of s) {
            if (seps.includes(ch)) {
              parts.push(cur);
              cur = '';
            } else cur += ch;
          }
          parts.push(cur);
          return new StringArray(parts);
        }
        break;
      case 'AsJwt':
        if (a.length === 0) return asJwt(s);
        break;
    }
    return new Fault('unsupported', `string.${e.method}(${a.map(typeName).join(', ')}) is outside the supported subset`, e.at);
  }

  array(e: Extract<PolicyExpression, { kind: 'member' | 'call' | 'index' }>, arr: StringArray, a: Value[]): Value | Fault {
    const items = arr.items;
    if (e.kind === 'index') {
      if (typeof a[0] !== 'number') return new Fault('unsupported', `indexing string[] with ${typeName(a[0])}`, e.at);
      return a[0] < items.length ? items[a[0]] : new Fault('error', `IndexOutOfRangeException: [${a[0]}] of ${items.length}`, e.at);
    }
    if (e.kind === 'call') {
      switch (e.method) {
        case 'Contains':
          // Enumerable.Contains: a whole element, compared ordinally.
          if (a.length === 1 && typeof a[0] === 'string') return items.includes(a[0]);
          break;
        case 'First':
        case 'Last':
          if (a.length === 0) return items.length > 0 ? items[e.method === 'First' ? 0 : items.length - 1] : new Fault('error', `InvalidOperationException: ${e.method}() of an empty sequence`, e.at);
          break;
        case 'FirstOrDefault':
        case 'LastOrDefault':
          if (a.length === 0) return items.length > 0 ? items[e.method === 'FirstOrDefault' ? 0 : items.length - 1] : null;
          break;
      }
    }
    return new Fault('unsupported', `string[].${e.kind === 'call' ? `${e.method}(…)` : e.name} is outside the supported subset`, e.at);
  }
}

const STRING_METHODS = new Set(['ToString', 'ToLower', 'ToLowerInvariant', 'ToUpper', 'ToUpperInvariant', 'Trim', 'Equals', 'StartsWith', 'EndsWith', 'Contains', 'Split', 'AsJwt']);
const ARRAY_METHODS = new Set(['Contains', 'First', 'Last', 'FirstOrDefault', 'LastOrDefault']);
const DICTIONARY_METHODS = new Set(['GetValueOrDefault', 'ContainsKey']);
const CAST_TARGET: Record<string, (v: Value) => boolean> = {
  Jwt: (v) => v instanceof Jwt,
  string: (v) => typeof v === 'string',
  bool: (v) => typeof v === 'boolean',
};

function headerDictionary(what: 'headers' | 'query', values: Record<string, string[]>): Dictionary {
  const lower = new Map(Object.entries(values).map(([k, v]) => [what === 'headers' ? k.toLowerCase() : k, v]));
  return new Dictionary(what, (k) => {
    const v = lower.get(what === 'headers' ? k.toLowerCase() : k);
    return v === undefined ? undefined : new StringArray(v);
  });
}

function describeMember(type: Obj['type']): string {
  return { context: 'context', request: 'context.Request', url: 'context.Request.Url', subscription: 'context.Subscription', StringComparison: 'StringComparison' }[type];
}

/**
 * Evaluates a parsed expression against a request: a string, boolean, number, null, string[] or a
 * Jwt (as `{ jwt: claims }`, the form `ExpressionRequest.variables` takes, so `set-variable` can store
 * it). An expression whose value is `context` or a dictionary is outside the subset.
 */
export function evaluatePolicyExpression(expr: PolicyExpression, request: ExpressionRequest): EvaluationResult {
  const v = new Evaluator(request).eval(expr);
  if (v instanceof Fault) return { kind: v.kind, message: v.message, at: v.at };
  if (v instanceof Jwt) return { kind: 'value', value: { jwt: v.claims } };
  if (v instanceof StringArray) return { kind: 'value', value: [...v.items] };
  if (v instanceof Dictionary || v instanceof Obj) return { kind: 'unsupported', message: `the expression's value is ${typeName(v)}, which the subset does not use as a value`, at: expr.at };
  return { kind: 'value', value: v };
}
