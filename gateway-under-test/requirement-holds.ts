/** A claim requirement of the target contract (`ProfileRequirement`), as any part holds it. */
interface Requirement {
  readonly values: readonly string[];
  readonly claims: readonly string[];
  readonly match: 'any' | 'all';
  readonly separator: string;
}

/**
 * Whether a token's claims satisfy one claim requirement of the target contract (APIM required-claims
 * semantics): `any` or `all` of the values, searched in the named claims. Array claims match whole
 * elements only (`["a","b,c"]` never grants `b`); string claims are split on the separator, so
 * `"readwrite"` never grants `read` (catalogue E25). Non-string elements grant nothing (E28).
 *
 * The one definition of what a requirement means: the reference gateway enforces it with this, and
 * the suite builds tokens that satisfy or miss it with this.
 */
export function requirementHolds(req: Requirement, claims: Record<string, unknown>): boolean {
  if (req.match === 'any') {
    for (const value of req.values) if (holds(req, claims, value)) return true;
    return false;
  }
  for (const value of req.values) if (!holds(req, claims, value)) return false;
  return true;
}

function holds(req: Requirement, claims: Record<string, unknown>, value: string): boolean {
  for (const name of req.claims) {
    const claim = claims[name];
    if (typeof claim === 'string') {
      if (claim === value || claim.split(req.separator).includes(value)) return true;
    } else if (Array.isArray(claim)) {
      if (claim.includes(value)) return true;
    }
  }
  return false;
}
