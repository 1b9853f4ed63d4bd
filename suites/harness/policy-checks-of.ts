import type { PolicyCheck } from '../../gateway-under-test/index.ts';

/** Catalogue rows (fixtures/attack-catalogue.json) → the policy checks whose emulation decides them. */
const BY_ROW: [RegExp, PolicyCheck[]][] = [
  [/^A0[5-9]$|^A10$/, ['token-location']],
  [/^A/, ['token-location', 'signature']],
  [/^B/, ['signature', 'algorithm']],
  [/^C1[46]$/, ['critical-headers']],
  [/^C18$/, ['claims']],
  [/^C/, ['signature']],
  [/^D/, ['signature']],
  [/^E0[1-8]$/, ['lifetime']],
  [/^E(09|1[0-4]|22)$/, ['issuer']],
  [/^E(1[5-9]|21)$/, ['audience']],
  [/^E/, ['claims']],
  [/^F08$/, ['authorization-forwarding']],
  [/^F/, ['claim-headers']],
  [/^G/, ['rate-limit']],
  [/^H/, ['signature']],
  // X01: a duplicated aud, iss, exp or roles member, decided by the check of that claim.
  [/^X01$/, ['claims', 'issuer', 'audience', 'lifetime']],
  [/^X06$|^X09$/, ['claims']],
  [/^X0[2]$|^X08$/, ['request-checks']],
  [/^X03$/, ['claim-headers']],
  [/^X04$/, ['issuer', 'audience']],
  [/^X05$/, ['issuer']],
  [/^X07$/, ['token-location']],
];

/**
 * The policy checks a case's verdict depends on, from the catalogue rows it covers: when an emulated
 * policy has one of them that gatecheck cannot reproduce (require-signed-tokens="false", a counter-key
 * expression, exists-action="skip"), the case's verdict would describe the emulation, not the policy.
 */
export function policyChecksOf(covers: readonly string[]): PolicyCheck[] {
  const out = new Set<PolicyCheck>();
  for (const row of covers) for (const c of BY_ROW.find(([re]) => re.test(row))?.[1] ?? []) out.add(c);
  return [...out];
}
