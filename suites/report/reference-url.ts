import type { Reference } from '../harness/define-case.ts';

const LEARN = 'https://learn.microsoft.com/en-us';
const ENTRA = `${LEARN}/entra/identity-platform`;
const APIM = `${LEARN}/azure/api-management`;
const MOD_AUTH_OPENIDC = 'https://github.com/OpenIDC/mod_auth_openidc';
const KONG_JWT_SOURCE = 'https://github.com/Kong/kong/blob/master/kong/plugins/jwt';
const ENVOY_JWT_AUTHN_DOCS = 'https://www.envoyproxy.io/docs/envoy/latest';

/**
 * Documents cited by name whose page is known. Keyed by the `doc` string as cases write it, so a new
 * spelling gets no guessed link: it shows up in suites/test/reference-url.test.ts instead.
 */
const NAMED: Record<string, string | ((section: string | undefined) => string)> = {
  'APIM validate-jwt': `${APIM}/validate-jwt-policy`,
  'APIM rate-limit-by-key': `${APIM}/rate-limit-by-key-policy`,
  'APIM policy expressions': `${APIM}/api-management-policy-expressions`,
  'Apigee VerifyJWT': 'https://cloud.google.com/apigee/docs/api-platform/reference/policies/verify-jwt-policy',
  'Entra access-tokens': `${ENTRA}/access-tokens`,
  'Entra access-token-claims-reference': `${ENTRA}/access-token-claims-reference`,
  'Entra scopes-oidc': `${ENTRA}/scopes-oidc`,
  'Entra signing-key-rollover': `${ENTRA}/signing-key-rollover`,
  'Entra v2-protocols-oidc': `${ENTRA}/v2-protocols-oidc`,
  'Entra claims-challenge': `${ENTRA}/claims-challenge`,
  'Entra app-resilience-continuous-access-evaluation': `${ENTRA}/app-resilience-continuous-access-evaluation`,
  'Entra concept-continuous-access-evaluation': `${LEARN}/entra/identity/conditional-access/concept-continuous-access-evaluation`,
  'Microsoft identity platform': (section) => (section && /signing key rollover/i.test(section) ? `${ENTRA}/signing-key-rollover` : `${ENTRA}/`),
  'Envoy jwt_authn': `${ENVOY_JWT_AUTHN_DOCS}/configuration/http/http_filters/jwt_authn_filter`,
  'Envoy jwt_authn config.proto': `${ENVOY_JWT_AUTHN_DOCS}/api-v3/extensions/filters/http/jwt_authn/v3/config.proto`,
  'Envoy jwt_authn authenticator.cc': 'https://github.com/envoyproxy/envoy/blob/main/source/extensions/filters/http/jwt_authn/authenticator.cc',
  'Kong jwt plugin': 'https://developer.konghq.com/plugins/jwt/',
  'Kong jwt handler': `${KONG_JWT_SOURCE}/handler.lua`,
  'Kong jwt plugin schema.lua': `${KONG_JWT_SOURCE}/schema.lua`,
  mod_auth_openidc: MOD_AUTH_OPENIDC,
  'mod_auth_openidc ChangeLog': `${MOD_AUTH_OPENIDC}/blob/master/ChangeLog`,
  'mod_auth_openidc auth_openidc.conf': `${MOD_AUTH_OPENIDC}/blob/master/auth_openidc.conf`,
  'mod_auth_openidc src/oauth.c': `${MOD_AUTH_OPENIDC}/blob/master/src/oauth.c`,
  'mod_auth_openidc src/proto/jwt.c': `${MOD_AUTH_OPENIDC}/blob/master/src/proto/jwt.c`,
  'mod_auth_openidc src/util/util.c': `${MOD_AUTH_OPENIDC}/blob/master/src/util/util.c`,
  nginx: (section) => (section === 'underscores_in_headers' ? 'https://nginx.org/en/docs/http/ngx_http_core_module.html#underscores_in_headers' : 'https://nginx.org/en/docs/'),
  'OWASP REST Security Cheat Sheet': 'https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html',
  'PortSwigger Web Security Academy': (section) =>
    section && /algorithm confusion/i.test(section)
      ? 'https://portswigger.net/web-security/jwt/algorithm-confusion'
      : section && /\b(jwt|jku|jwk|kid)\b/i.test(section)
        ? 'https://portswigger.net/web-security/jwt'
        : 'https://portswigger.net/web-security',
  jwt_tool: 'https://github.com/ticarpi/jwt_tool',
  'jwt_tool playbook': 'https://github.com/ticarpi/jwt_tool/wiki',
  jwt_verify_lib: 'https://github.com/google/jwt_verify_lib',
  rsa_sign2n: 'https://github.com/silentsignal/rsa_sign2n',
};

/** OpenID Foundation specifications; their pages are xml2rfc output, whose section anchors are `rfc.section.N`. */
const OPENID_SPECS: Record<string, string> = {
  'OpenID Connect Core 1.0': 'https://openid.net/specs/openid-connect-core-1_0.html',
  'OpenID Connect Discovery 1.0': 'https://openid.net/specs/openid-connect-discovery-1_0.html',
};

/**
 * Cited sources with no public page to point at: the OpenID conformance suite's test modules (named by
 * id, no page each) and gatecheck's own documents (files of the clone, not of a web site). They stay
 * plain text on purpose; anything else without a link is a form nobody has mapped yet.
 */
const WITHOUT_LINK: RegExp[] = [/^OIDF(\s|$)/, /^gatecheck attack catalogue$/, /^gatecheck target profile$/];

/**
 * The public web page a reference points at, or undefined when there is none to give. A reference's
 * own `url` wins when it is a web link; otherwise the link is derived from `doc` (and `section` where
 * the page has anchors): RFC NNNN §x.y to rfc-editor.org's `#section-x.y`, OpenID specifications to
 * openid.net, CVE, CWE and GitHub advisory ids to their records, `owner/repo#N` and `owner/repo PR #N`
 * to GitHub, and the vendor documents cases cite by name to their pages.
 */
export function referenceUrl(reference: Reference): string | undefined {
  if (reference.url) return /^https?:\/\//i.test(reference.url) ? reference.url : undefined;
  const doc = reference.doc.trim();
  const section = reference.section?.trim() || undefined;

  const rfc = /^RFC ?(\d{1,5})$/i.exec(doc);
  if (rfc) return `https://www.rfc-editor.org/rfc/rfc${Number(rfc[1])}${rfcAnchor(section)}`;

  const openid = OPENID_SPECS[doc];
  if (openid) {
    const number = section && /^(\d+(?:\.\d+)*)/.exec(section);
    return number ? `${openid}#rfc.section.${number[1]}` : openid;
  }

  if (/^CVE-\d{4}-\d{4,}$/i.test(doc)) return `https://www.cve.org/CVERecord?id=${doc.toUpperCase()}`;
  const cwe = /^CWE-(\d+)$/i.exec(doc);
  if (cwe) return `https://cwe.mitre.org/data/definitions/${cwe[1]}.html`;
  if (/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/i.test(doc)) return `https://github.com/advisories/${doc}`;

  // GitHub redirects /issues/N to /pull/N when N is a pull request, so `#N` needs no lookup.
  const issue = /^([\w.-]+\/[\w.-]+)#(\d+)$/.exec(doc);
  if (issue) return `https://github.com/${issue[1]}/issues/${issue[2]}`;
  const pull = /^([\w.-]+\/[\w.-]+) PR #(\d+)$/.exec(doc);
  if (pull) return `https://github.com/${pull[1]}/pull/${pull[2]}`;

  if (/^Wycheproof\b/.test(doc)) return 'https://github.com/C2SP/wycheproof';

  const named = NAMED[doc];
  if (named !== undefined) return typeof named === 'string' ? named : named(section);
  return undefined;
}

/** True for a reference deliberately left as plain text (see WITHOUT_LINK), as opposed to one with an unmapped form. */
export function isReferenceWithoutLink(reference: Reference): boolean {
  return !reference.url && WITHOUT_LINK.some((form) => form.test(reference.doc.trim()));
}

/** `§4.1.4`, `§3.3 (scope tokens are space-delimited)`, `§Appendix A.1`: rfc-editor.org anchors numbered sections and appendices. */
function rfcAnchor(section: string | undefined): string {
  if (!section) return '';
  const numbered = /^(\d+(?:\.\d+)*)(?!\w)/.exec(section);
  if (numbered) return `#section-${numbered[1]}`;
  const appendix = /^Appendix ([A-Z](?:\.\d+)*)(?!\w)/i.exec(section);
  if (appendix) return `#appendix-${appendix[1].toUpperCase()}`;
  return '';
}
