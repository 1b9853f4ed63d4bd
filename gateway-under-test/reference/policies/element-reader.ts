import type { PolicyElement } from './parse-policy-xml.ts';
import { PolicyError } from './policy-error.ts';

/**
 * Strict access to one element: attributes outside the documented list are an error (the platform
 * would refuse the policy too), booleans and integers are parsed with the line in the message.
 */
export class ElementReader {
  readonly el: PolicyElement;
  readonly file: string;
  constructor(el: PolicyElement, file: string, allowed: readonly string[]) {
    this.el = el;
    // An element of a composed policy names its own file: diagnostics point at the file it was written in.
    this.file = el.file ?? file;
    for (const name of Object.keys(el.attributes)) {
      if (!allowed.includes(name)) {
        throw new PolicyError('ERR_POLICY_ATTRIBUTE', this.file, el.line, `<${el.name}> has no attribute "${name}" (supported: ${allowed.join(', ') || 'none'})`);
      }
    }
  }

  attr(name: string): string | undefined {
    return this.el.attributes[name];
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.el.attributes[name];
    if (v === undefined) return fallback;
    if (/^true$/i.test(v.trim())) return true;
    if (/^false$/i.test(v.trim())) return false;
    throw new PolicyError('ERR_POLICY_INVALID', this.file, this.el.line, `<${this.el.name} ${name}="${v}">: expected true or false`);
  }

  int(name: string): number | undefined {
    const v = this.el.attributes[name];
    if (v === undefined) return undefined;
    if (!/^\s*\d+\s*$/.test(v)) throw new PolicyError('ERR_POLICY_INVALID', this.file, this.el.line, `<${this.el.name} ${name}="${v}">: expected a whole number`);
    return Number(v);
  }

  fail(message: string, line = this.el.line): never {
    throw new PolicyError('ERR_POLICY_INVALID', this.file, line, message);
  }
}

/** A policy expression (`@(…)` or `@{…}`): C# that only the real gateway can run. */
export function isExpression(value: string | undefined): boolean {
  return value !== undefined && /^\s*@[({]/.test(value);
}
