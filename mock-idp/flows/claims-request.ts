import type { EntraFailure } from '../entra/entra-error.ts';

/**
 * The OpenID Connect `claims` request parameter (OpenID Connect Core 1.0 §5.5) as Entra reads it at the
 * token endpoint: a JSON object whose `access_token`, `id_token` and `userinfo` members map claim names
 * to `null` or to an object with `essential`, `value` or `values`. CAE-capable clients send
 * `{"access_token":{"xms_cc":{"values":["cp1"]}}}` (Entra claims-challenge.md).
 */
export type ClaimsRequest = Partial<Record<'access_token' | 'id_token' | 'userinfo', Record<string, ClaimRequest | null>>>;

export interface ClaimRequest {
  essential?: boolean;
  value?: unknown;
  values?: unknown[];
}

const TARGETS = ['access_token', 'id_token', 'userinfo'] as const;

function invalid(reason: string): EntraFailure {
  return {
    code: 90100,
    error: 'invalid_request',
    description: `The parameter 'claims' is empty or not valid: ${reason}. It must be a JSON object such as {"access_token":{"xms_cc":{"values":["cp1"]}}} (OpenID Connect Core 1.0 section 5.5).`,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The parsed request, or the AADSTS failure a malformed one earns. Members other than the three targets are ignored, as §5.5 says. */
export function parseClaimsRequest(raw: string): { claims: ClaimsRequest } | { failure: EntraFailure } {
  if (!raw.trim()) return { failure: invalid('it is empty') };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { failure: invalid('it is not JSON') };
  }
  if (!isObject(parsed)) return { failure: invalid('it is not a JSON object') };
  const claims: ClaimsRequest = {};
  for (const target of TARGETS) {
    const members = parsed[target];
    if (members === undefined) continue;
    if (!isObject(members)) return { failure: invalid(`"${target}" is not an object`) };
    for (const [name, request] of Object.entries(members)) {
      if (request === null) continue;
      if (!isObject(request)) return { failure: invalid(`"${target}.${name}" is neither null nor an object`) };
      if (request.essential !== undefined && typeof request.essential !== 'boolean') return { failure: invalid(`"${target}.${name}.essential" is not a boolean`) };
      if (request.values !== undefined && !Array.isArray(request.values)) return { failure: invalid(`"${target}.${name}.values" is not an array`) };
    }
    claims[target] = members as Record<string, ClaimRequest | null>;
  }
  return { claims };
}

/** The client capabilities a token request declares (`xms_cc`, e.g. `["cp1"]`), as strings. */
export function clientCapabilities(claims: ClaimsRequest | undefined): string[] {
  const xmsCc = claims?.access_token?.xms_cc;
  if (!xmsCc) return [];
  const values = xmsCc.values ?? (xmsCc.value !== undefined ? [xmsCc.value] : []);
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length > 0))];
}
