import { generateKeyPairSync, randomUUID, sign, constants, type KeyObject } from 'node:crypto';

/** Test-only keys, generated per run; never used outside tests. */
export interface TestKey {
  kid: string;
  alg: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
}

export function rsaKey(kid: string = randomUUID(), alg = 'RS256', bits = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { kid, alg, privateKey, publicKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' } };
}

export function ecKey(kid: string = randomUUID(), curve: 'P-256' | 'P-384' | 'P-521' = 'P-256'): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const alg = curve === 'P-256' ? 'ES256' : curve === 'P-384' ? 'ES384' : 'ES512';
  return { kid, alg, privateKey, publicKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' } };
}

export function edKey(kid: string = randomUUID()): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { kid, alg: 'EdDSA', privateKey, publicKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' } };
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Signs header and payload as given (no defaults added), with the key's algorithm unless `alg` says otherwise. */
export function signJws(header: Record<string, unknown>, payload: unknown, key: TestKey, alg = (header.alg as string) ?? key.alg): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const data = Buffer.from(input);
  const digest = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  let sig: Buffer;
  if (alg.startsWith('PS')) sig = sign(digest, data, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  else if (alg.startsWith('ES')) sig = sign(digest, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  else sig = sign(digest, data, key.privateKey);
  return `${input}.${sig.toString('base64url')}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
