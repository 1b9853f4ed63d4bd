import { describe, expect, it } from 'vitest';
import type { Reference } from '../harness/define-case.ts';
import { loadCases } from '../harness/load-cases.ts';
import * as rfcClauses from '../harness/rfc-clauses.ts';
import { isReferenceWithoutLink, referenceUrl } from '../report/reference-url.ts';

/** Every reference the suite's cases cite, and the RFC clauses a `weaker` verdict names. */
const cited: Reference[] = [
  ...(await loadCases()).flatMap((c) => c.definition?.references ?? []),
  ...Object.values(rfcClauses).flatMap((v) => (typeof v === 'object' && 'reference' in v ? [v.reference] : [])),
];

/** A reference's form: RFCs, CVEs, … by pattern; a document cited by name is a form of its own. */
function formOf(doc: string): string {
  if (/^RFC ?\d+$/i.test(doc)) return 'RFC N';
  if (/^CVE-/.test(doc)) return 'CVE';
  if (/^CWE-/.test(doc)) return 'CWE';
  if (/^GHSA-/.test(doc)) return 'GHSA';
  if (/^[\w.-]+\/[\w.-]+#\d+$/.test(doc)) return 'owner/repo#N';
  if (/^[\w.-]+\/[\w.-]+ PR #\d+$/.test(doc)) return 'owner/repo PR #N';
  if (/^OIDF\b/.test(doc)) return 'OIDF';
  if (/^Wycheproof\b/.test(doc)) return 'Wycheproof';
  return doc;
}

const MS = 'https://learn.microsoft.com/en-us';
const OPENIDC = 'https://github.com/OpenIDC/mod_auth_openidc';

/** One example per form (more where the section picks the page); `null`: plain text on purpose. */
const EXAMPLES: Record<string, [Reference, string | null][]> = {
  'RFC N': [
    [{ doc: 'RFC 7519', section: '4.1.4' }, 'https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4'],
    [{ doc: 'RFC 6749', section: '3.3 (scope tokens are space-delimited)' }, 'https://www.rfc-editor.org/rfc/rfc6749#section-3.3'],
    [{ doc: 'RFC 7519', section: '2 (NumericDate)' }, 'https://www.rfc-editor.org/rfc/rfc7519#section-2'],
    [{ doc: 'RFC 8725', section: '3.10' }, 'https://www.rfc-editor.org/rfc/rfc8725#section-3.10'],
  ],
  'OpenID Connect Discovery 1.0': [[{ doc: 'OpenID Connect Discovery 1.0', section: '4.3' }, 'https://openid.net/specs/openid-connect-discovery-1_0.html#rfc.section.4.3']],
  CVE: [[{ doc: 'CVE-2022-21449' }, 'https://www.cve.org/CVERecord?id=CVE-2022-21449']],
  CWE: [[{ doc: 'CWE-770', section: 'Allocation of Resources Without Limits or Throttling' }, 'https://cwe.mitre.org/data/definitions/770.html']],
  GHSA: [[{ doc: 'GHSA-752w-5fwx-jx9f', section: 'PyJWT crit' }, 'https://github.com/advisories/GHSA-752w-5fwx-jx9f']],
  'owner/repo#N': [[{ doc: 'envoyproxy/envoy#35553' }, 'https://github.com/envoyproxy/envoy/issues/35553']],
  'owner/repo PR #N': [[{ doc: 'envoyproxy/envoy PR #46586', section: 'sanitise filter-wide' }, 'https://github.com/envoyproxy/envoy/pull/46586']],
  Wycheproof: [[{ doc: 'Wycheproof json_web_signature_test', section: 'rejectsModifiedSignature' }, 'https://github.com/C2SP/wycheproof']],
  'APIM validate-jwt': [[{ doc: 'APIM validate-jwt', section: 'clock-skew' }, `${MS}/azure/api-management/validate-jwt-policy`]],
  'APIM rate-limit-by-key': [[{ doc: 'APIM rate-limit-by-key' }, `${MS}/azure/api-management/rate-limit-by-key-policy`]],
  'APIM policy expressions': [[{ doc: 'APIM policy expressions' }, `${MS}/azure/api-management/api-management-policy-expressions`]],
  'Apigee VerifyJWT': [[{ doc: 'Apigee VerifyJWT', section: 'MaxLifespan' }, 'https://cloud.google.com/apigee/docs/api-platform/reference/policies/verify-jwt-policy']],
  'Entra access-tokens': [[{ doc: 'Entra access-tokens', section: 'validate tokens' }, `${MS}/entra/identity-platform/access-tokens`]],
  'Entra access-token-claims-reference': [[{ doc: 'Entra access-token-claims-reference' }, `${MS}/entra/identity-platform/access-token-claims-reference`]],
  'Entra scopes-oidc': [[{ doc: 'Entra scopes-oidc' }, `${MS}/entra/identity-platform/scopes-oidc`]],
  'Entra signing-key-rollover': [[{ doc: 'Entra signing-key-rollover' }, `${MS}/entra/identity-platform/signing-key-rollover`]],
  'Entra v2-protocols-oidc': [[{ doc: 'Entra v2-protocols-oidc' }, `${MS}/entra/identity-platform/v2-protocols-oidc`]],
  'Entra claims-challenge': [[{ doc: 'Entra claims-challenge' }, `${MS}/entra/identity-platform/claims-challenge`]],
  'Entra app-resilience-continuous-access-evaluation': [[{ doc: 'Entra app-resilience-continuous-access-evaluation' }, `${MS}/entra/identity-platform/app-resilience-continuous-access-evaluation`]],
  'Entra concept-continuous-access-evaluation': [[{ doc: 'Entra concept-continuous-access-evaluation' }, `${MS}/entra/identity/conditional-access/concept-continuous-access-evaluation`]],
  'Microsoft identity platform': [[{ doc: 'Microsoft identity platform', section: 'Signing key rollover' }, `${MS}/entra/identity-platform/signing-key-rollover`]],
  'Envoy jwt_authn': [[{ doc: 'Envoy jwt_authn', section: 'forward' }, 'https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/jwt_authn_filter']],
  'Envoy jwt_authn config.proto': [[{ doc: 'Envoy jwt_authn config.proto' }, 'https://www.envoyproxy.io/docs/envoy/latest/api-v3/extensions/filters/http/jwt_authn/v3/config.proto']],
  'Envoy jwt_authn authenticator.cc': [[{ doc: 'Envoy jwt_authn authenticator.cc' }, 'https://github.com/envoyproxy/envoy/blob/main/source/extensions/filters/http/jwt_authn/authenticator.cc']],
  'Kong jwt plugin': [[{ doc: 'Kong jwt plugin', section: 'maximum_expiration' }, 'https://developer.konghq.com/plugins/jwt/']],
  'Kong jwt handler': [[{ doc: 'Kong jwt handler' }, 'https://github.com/Kong/kong/blob/master/kong/plugins/jwt/handler.lua']],
  'Kong jwt plugin schema.lua': [[{ doc: 'Kong jwt plugin schema.lua' }, 'https://github.com/Kong/kong/blob/master/kong/plugins/jwt/schema.lua']],
  mod_auth_openidc: [[{ doc: 'mod_auth_openidc', section: 'oidc_oauth_validate_jwt_aud' }, OPENIDC]],
  'mod_auth_openidc ChangeLog': [[{ doc: 'mod_auth_openidc ChangeLog' }, `${OPENIDC}/blob/master/ChangeLog`]],
  'mod_auth_openidc auth_openidc.conf': [[{ doc: 'mod_auth_openidc auth_openidc.conf' }, `${OPENIDC}/blob/master/auth_openidc.conf`]],
  'mod_auth_openidc src/oauth.c': [[{ doc: 'mod_auth_openidc src/oauth.c' }, `${OPENIDC}/blob/master/src/oauth.c`]],
  'mod_auth_openidc src/proto/jwt.c': [[{ doc: 'mod_auth_openidc src/proto/jwt.c' }, `${OPENIDC}/blob/master/src/proto/jwt.c`]],
  'mod_auth_openidc src/util/util.c': [[{ doc: 'mod_auth_openidc src/util/util.c' }, `${OPENIDC}/blob/master/src/util/util.c`]],
  nginx: [[{ doc: 'nginx', section: 'underscores_in_headers' }, 'https://nginx.org/en/docs/http/ngx_http_core_module.html#underscores_in_headers']],
  'OWASP REST Security Cheat Sheet': [[{ doc: 'OWASP REST Security Cheat Sheet' }, 'https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html']],
  'PortSwigger Web Security Academy': [
    [{ doc: 'PortSwigger Web Security Academy', section: 'JWT algorithm confusion' }, 'https://portswigger.net/web-security/jwt/algorithm-confusion'],
    [{ doc: 'PortSwigger Web Security Academy', section: 'JWT authentication bypass via jku header injection' }, 'https://portswigger.net/web-security/jwt'],
  ],
  jwt_tool: [[{ doc: 'jwt_tool', section: '-X a' }, 'https://github.com/ticarpi/jwt_tool']],
  'jwt_tool playbook': [[{ doc: 'jwt_tool playbook' }, 'https://github.com/ticarpi/jwt_tool/wiki']],
  jwt_verify_lib: [[{ doc: 'jwt_verify_lib', section: 'JwtHeaderBadAlg' }, 'https://github.com/google/jwt_verify_lib']],
  rsa_sign2n: [[{ doc: 'rsa_sign2n' }, 'https://github.com/silentsignal/rsa_sign2n']],
  // No public page per conformance-suite test module, and gatecheck's own documents are files of the clone.
  OIDF: [
    [{ doc: 'OIDF oidcc-client-test-kid-absent-single-jwks' }, null],
    [{ doc: 'OIDF', section: 'oidcc-client-test-signing-key-rotation' }, null],
  ],
  'gatecheck attack catalogue': [[{ doc: 'gatecheck attack catalogue', section: 'G06: limit before or after auth' }, null]],
  'gatecheck target profile': [[{ doc: 'gatecheck target profile', section: 'claimHeaders' }, null]],
};

describe('referenceUrl: every reference form the cases cite', () => {
  it('the suite cites references at all (the enumeration below is not vacuous)', () => {
    expect(cited.length).toBeGreaterThan(500);
    expect(new Set(cited.map((r) => formOf(r.doc))).size).toBeGreaterThan(30);
  });

  it('has an example here for every form that occurs in suites/cases (a new form must be mapped or declared plain)', () => {
    const missing = [...new Set(cited.map((r) => formOf(r.doc)))].filter((form) => !(form in EXAMPLES));
    expect(missing).toEqual([]);
  });

  it.each(Object.entries(EXAMPLES).flatMap(([form, examples]) => examples.map(([ref, url]) => [form, ref, url] as const)))('%s: %j → %s', (_form, ref, url) => {
    expect(referenceUrl(ref)).toBe(url ?? undefined);
    expect(isReferenceWithoutLink(ref)).toBe(url === null);
  });

  it('gives every reference in suites/cases a web link, or leaves it plain on purpose', () => {
    const unmapped = cited.filter((r) => referenceUrl(r) === undefined && !isReferenceWithoutLink(r)).map((r) => r.doc);
    expect([...new Set(unmapped)]).toEqual([]);
    for (const r of cited) {
      const url = referenceUrl(r);
      if (url) expect(url).toMatch(/^https:\/\/[\w.-]+\/[^\s<>"]*$/);
    }
  });

  it('links every RFC reference to its section on rfc-editor.org', () => {
    const rfcs = cited.filter((r) => formOf(r.doc) === 'RFC N');
    expect(rfcs.length).toBeGreaterThan(50);
    for (const r of rfcs) {
      const number = r.doc.replace(/\D/g, '');
      const section = /^\d+(\.\d+)*/.exec(r.section ?? '')?.[0];
      expect(referenceUrl(r)).toBe(`https://www.rfc-editor.org/rfc/rfc${number}${section ? `#section-${section}` : ''}`);
    }
  });
});

describe('referenceUrl: the rules', () => {
  it("keeps a reference's own web link, and never turns another scheme into a link", () => {
    expect(referenceUrl({ doc: 'RFC 6750', url: 'https://example.org/own' })).toBe('https://example.org/own');
    expect(referenceUrl({ doc: 'CVE-2016-10555', url: 'javascript:alert(3)' })).toBeUndefined();
    expect(isReferenceWithoutLink({ doc: 'CVE-2016-10555', url: 'javascript:alert(3)' })).toBe(false);
  });

  it('links an RFC without a section to the document, an appendix to its anchor', () => {
    expect(referenceUrl({ doc: 'RFC 8725' })).toBe('https://www.rfc-editor.org/rfc/rfc8725');
    expect(referenceUrl({ doc: 'RFC 7515', section: 'Appendix A.1' })).toBe('https://www.rfc-editor.org/rfc/rfc7515#appendix-A.1');
    expect(referenceUrl({ doc: 'RFC 7515', section: 'the part about kid' })).toBe('https://www.rfc-editor.org/rfc/rfc7515');
  });

  it('gives an unknown document no guessed link, and does not count it as plain on purpose', () => {
    for (const doc of ['Entra some-new-page', 'Some New Spec', 'mod_auth_openidc src/new.c']) {
      expect(referenceUrl({ doc })).toBeUndefined();
      expect(isReferenceWithoutLink({ doc })).toBe(false);
    }
  });
});
