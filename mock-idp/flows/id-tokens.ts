import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { pairwiseSubject } from '../entra/access-token-claims.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';

/**
 * oidc-provider signs ID tokens with no hook to change their claims. Where Entra's differ, the response
 * middleware re-issues the same sign-in with the tenant's primary key (the key oidc-provider signed with).
 */
async function reissue(runtime: TenantRuntime, payload: JWTPayload, v1: boolean): Promise<string> {
  const key = runtime.keys.primary();
  const header = v1 ? { typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid } : { alg: 'RS256', kid: key.kid };
  return new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
}

/**
 * Entra's `sub` is pairwise per application in every ID token. oidc-provider cannot give public
 * device-code clients pairwise subjects, so their ID tokens carry the user's object id there; this
 * replaces it with the pairwise value. Tokens that already carry it come back unchanged.
 */
export async function pairwiseIdToken(runtime: TenantRuntime, idToken: string): Promise<string> {
  const claims = decodeJwt(idToken);
  const pairwise = pairwiseSubject(String(claims.oid), String(claims.aud));
  if (claims.sub === pairwise || typeof claims.oid !== 'string') return idToken;
  return reissue(runtime, { ...claims, sub: pairwise }, false);
}

/**
 * oidc-provider writes ID tokens for its one (v2) issuer; a v1 client validates them against the v1
 * document's issuer. This re-issues the same sign-in as Entra's v1 ID token (id-token-claims-reference.md:
 * sts-style issuer, `upn`/`unique_name`, `ver` 1.0, `x5t` in the header).
 */
export async function v1IdToken(runtime: TenantRuntime, idToken: string): Promise<string> {
  const claims = decodeJwt(idToken);
  const user = runtime.tenant.users.find((u) => u.oid === claims.oid);
  return reissue(runtime, {
    aud: claims.aud,
    iss: runtime.issuers.v1,
    iat: claims.iat,
    nbf: claims.iat,
    exp: claims.exp,
    amr: ['pwd'],
    ...(user?.familyName ? { family_name: user.familyName } : {}),
    ...(user?.givenName ? { given_name: user.givenName } : {}),
    ipaddr: '127.0.0.1',
    name: claims.name ?? user?.name,
    ...(claims.nonce ? { nonce: claims.nonce } : {}),
    oid: claims.oid,
    rh: claims.rh,
    sub: claims.sub,
    tid: claims.tid,
    unique_name: user?.upn ?? claims.preferred_username,
    upn: user?.upn ?? claims.preferred_username,
    uti: claims.uti,
    ver: '1.0',
  }, true);
}
