import { createHash, createPublicKey, KeyObject, webcrypto } from 'node:crypto';
import { selfSignedCertificate } from './self-signed-certificate.ts';

/** Where a key is in its life: see key-store.ts for the transitions. */
export type KeyState = 'next' | 'primary' | 'previous' | 'retired' | 'attacker';

export interface PublicRsaJwk {
  kty: 'RSA';
  use: 'sig';
  kid: string;
  /** Absent only for an exponent-1 key: no certificate can carry it. */
  x5t?: string;
  n: string;
  e: string;
  x5c?: string[];
  issuer?: string;
}

export interface SigningKey {
  kid: string;
  /** RSA modulus size: 2048 unless the key was made deliberately weak (1024) or larger. */
  modulusLength: number;
  /**
   * 65537; 1 for a deliberately broken key whose published `e` is 1 (its signatures are forgeries
   * anyone can compute: see mint/exponent-one-signature.ts). `privateKey` then only holds the modulus.
   */
  publicExponent: number;
  state: KeyState;
  /** Never serialised: JWKS, logs and reports only ever see `publicJwk`. */
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SHA-1 thumbprint of the certificate, base64url: Entra uses it as both `kid` and `x5t`. */
  x5t: string;
  certificateDer: Buffer;
  certificatePem: string;
  createdAt: Date;
  publicJwk(issuer?: string): PublicRsaJwk;
}

const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

async function cryptoKeyPair(privateKey: KeyObject): Promise<webcrypto.CryptoKeyPair> {
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, RSA_SHA256, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, RSA_SHA256, true, ['verify']),
  };
}

/** RSA sizes the mock can generate. 1024 is deliberately weak: RFC 7518 §3.3 requires 2048 or more. */
export const MODULUS_LENGTHS = [1024, 2048, 3072, 4096] as const;
export type ModulusLength = (typeof MODULUS_LENGTHS)[number];

export interface SigningKeyOptions {
  privateKey?: KeyObject;
  commonName?: string;
  /** Size of a generated key (default 2048); ignored when `privateKey` is given. */
  modulusLength?: ModulusLength;
  /** A chosen `kid` instead of the certificate thumbprint (which stays the `x5t`). */
  kid?: string;
  /** 1: publish the generated modulus with e = 1 and no certificate (needs a chosen `kid`). */
  publicExponent?: 1;
}

/**
 * An RSA signing key (2048 bits unless asked otherwise) with a self-signed certificate. Pass
 * `privateKey` to adopt a key loaded from disk (`--keys DIR`); otherwise one is generated.
 */
export async function createSigningKey(
  state: KeyState,
  { privateKey, commonName = 'gatecheck mock-idp signing key', modulusLength = 2048, kid: chosenKid, publicExponent }: SigningKeyOptions = {},
): Promise<SigningKey> {
  if (publicExponent === 1 && chosenKid === undefined) throw new TypeError('an exponent-1 key needs a chosen kid (it has no certificate thumbprint)');
  let pair: webcrypto.CryptoKeyPair;
  let priv: KeyObject;
  if (privateKey) {
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
      throw new TypeError('signing keys must be RSA private keys');
    }
    pair = await cryptoKeyPair(privateKey);
    priv = privateKey;
  } else {
    pair = (await webcrypto.subtle.generateKey(
      { ...RSA_SHA256, modulusLength, publicExponent: new Uint8Array([1, 0, 1]) },
      true,
      ['sign', 'verify'],
    )) as webcrypto.CryptoKeyPair;
    priv = KeyObject.from(pair.privateKey);
  }
  const pub = createPublicKey(priv);
  // The certificate is a function of the key alone (fixed validity, serial from the key, and RSA PKCS#1
  // v1.5 signatures are deterministic), so a key saved with --save-keys and loaded with --keys keeps
  // its kid/x5t across restarts and outside tools can rely on them.
  const spkiHash = createHash('sha256').update(pub.export({ format: 'der', type: 'spki' })).digest('hex');
  const cert = await selfSignedCertificate(pair, commonName, {
    serialNumber: `01${spkiHash.slice(0, 30)}`,
    notBefore: new Date('2025-01-01T00:00:00Z'),
    validDays: 365 * 15,
  });
  const x5t = createHash('sha1').update(cert.der).digest('base64url');
  const { n, e } = pub.export({ format: 'jwk' }) as { n: string; e: string };
  const x5c = [cert.der.toString('base64')];
  const kid = chosenKid ?? x5t;
  const exponentOne = publicExponent === 1;
  return {
    kid,
    modulusLength: pub.asymmetricKeyDetails?.modulusLength ?? modulusLength,
    publicExponent: exponentOne ? 1 : Number(pub.asymmetricKeyDetails?.publicExponent ?? 65537n),
    state,
    privateKey: priv,
    publicKey: exponentOne ? createPublicKey({ key: { kty: 'RSA', n, e: 'AQ' }, format: 'jwk' }) : pub,
    x5t,
    certificateDer: cert.der,
    certificatePem: cert.pem,
    createdAt: new Date(),
    publicJwk(issuer?: string): PublicRsaJwk {
      if (exponentOne) return { kty: 'RSA', use: 'sig', kid, n, e: 'AQ', ...(issuer ? { issuer } : {}) };
      return { kty: 'RSA', use: 'sig', kid, x5t, n, e, x5c, ...(issuer ? { issuer } : {}) };
    },
  };
}
