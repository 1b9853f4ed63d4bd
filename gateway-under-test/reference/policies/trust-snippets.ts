import { createPublicKey } from 'node:crypto';

export interface TrustSnippets {
  issuer: string;
  apimOpenidConfig: string;
  apimIssuerSigningKeys: string;
  apigeePublicKeyJwks: string;
  apigeePublicKeyValue: string;
}

interface Jwk {
  kty?: string;
  kid?: string;
  n?: string;
  e?: string;
  use?: string;
  [k: string]: unknown;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/**
 * Policy fragments that make a real APIM or Apigee trust a (publicly reachable) mock tenant: APIM by
 * openid-config URL or by static `issuer-signing-keys` (n/e, so the keys need no certificate upload),
 * Apigee by JWKS URI or by an inline PEM of the signing key. Static keys don't follow a rotation.
 */
export function trustSnippets(discoveryUrl: string, discovery: { issuer: string; jwks_uri: string }, jwks: { keys: Jwk[] }): TrustSnippets {
  const rsa = jwks.keys.filter((k) => k.kty === 'RSA' && k.n && k.e && (k.use === undefined || k.use === 'sig'));
  if (rsa.length === 0) throw new Error(`${discovery.jwks_uri} has no RSA signing keys`);
  const keys = rsa.map((k) => `    <key${k.kid ? ` id="${xml(k.kid)}"` : ''} n="${k.n}" e="${k.e}" />`).join('\n');
  const pem = createPublicKey({ key: { kty: 'RSA', n: rsa[0].n!, e: rsa[0].e! }, format: 'jwk' }).export({ format: 'pem', type: 'spki' }).toString().trim();
  return {
    issuer: discovery.issuer,
    apimOpenidConfig: `<openid-config url="${xml(discoveryUrl)}" />\n<issuers>\n    <issuer>${xml(discovery.issuer)}</issuer>\n</issuers>`,
    apimIssuerSigningKeys: `<issuer-signing-keys>\n${keys}\n</issuer-signing-keys>\n<issuers>\n    <issuer>${xml(discovery.issuer)}</issuer>\n</issuers>`,
    apigeePublicKeyJwks: `<PublicKey>\n    <JWKS uri="${xml(discovery.jwks_uri)}"/>\n</PublicKey>\n<Issuer>${xml(discovery.issuer)}</Issuer>`,
    apigeePublicKeyValue: `<PublicKey>\n    <Value>\n${pem}\n    </Value>\n</PublicKey>\n<Issuer>${xml(discovery.issuer)}</Issuer>`,
  };
}
