import type { GatewayConfig } from './config.ts';

/**
 * Builds the claims-contract headers for a verified token: X-User-Id (oid, else sub),
 * X-Tenant-Id (tid), X-Client-Id (azp, else appid, else client_id), X-Roles and X-Scopes comma-joined.
 * Array elements are joined as-is: a role containing a comma is ambiguous downstream (catalogue F07),
 * which is why authorisation happens here on the array, never on the joined header.
 */
export function claimHeaders(names: GatewayConfig['claimHeaders']): (claims: Record<string, unknown>) => string[] {
  return (claims) => {
    const out: string[] = [];
    const add = (name: string, value: string | undefined) => {
      if (value !== undefined && value.length > 0) out.push(name, safeHeaderValue(value));
    };
    add(names.userId, str(claims.oid) ?? str(claims.sub));
    add(names.tenantId, str(claims.tid));
    add(names.clientId, str(claims.azp) ?? str(claims.appid) ?? str(claims.client_id));
    add(names.roles, list(claims.roles, ' '));
    add(names.scopes, list(claims.scp, ' ') ?? list(claims.scope, ' '));
    return out;
  };
}

/** Lower-cased names of the contract headers, plus their `_` spellings (CGI-style upstreams fold `_` into `-`). */
export function reservedHeaderNames(names: GatewayConfig['claimHeaders']): Set<string> {
  const set = new Set<string>();
  for (const name of Object.values(names)) {
    const lower = name.toLowerCase();
    set.add(lower);
    set.add(lower.replaceAll('-', '_'));
  }
  return set;
}

/**
 * Header values never carry CR, LF or other controls (no response splitting or header injection
 * through a claim). Anything outside printable ASCII is percent-encoded as UTF-8, so the value stays
 * one line and survives any HTTP stack.
 */
export function safeHeaderValue(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  return value.replace(/[^\x20-\x7e]/gu, (ch) => {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) return '';
    try {
      return encodeURIComponent(ch);
    } catch {
      return ''; // a lone surrogate has no UTF-8 form
    }
  });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function list(v: unknown, separator: string): string | undefined {
  if (Array.isArray(v)) {
    const items = v.filter((x): x is string => typeof x === 'string' && x.length > 0);
    return items.length > 0 ? items.join(',') : undefined;
  }
  if (typeof v === 'string') {
    const items = v.split(separator).filter((x) => x.length > 0);
    return items.length > 0 ? items.join(',') : undefined;
  }
  return undefined;
}
