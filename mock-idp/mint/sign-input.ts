import { constants, createHmac, sign } from 'node:crypto';
import { MintError } from './mint-error.ts';
import { exponentOneSignature } from './exponent-one-signature.ts';
import type { Signer } from './resolve-signer.ts';

const HASH = { '256': 'sha256', '384': 'sha384', '512': 'sha512' } as const;

/** Whether `alg` is one this signer can compute; otherwise the header's `alg` is a lie and the signer's default is used. */
export function signerSupports(signer: Signer, alg: unknown): boolean {
  if (typeof alg !== 'string') return false;
  if (signer.kind === 'rsa') return (signer.key.publicExponent === 1 ? /^RS(256|384|512)$/ : /^(RS|PS)(256|384|512)$/).test(alg);
  if (signer.kind === 'hmac') return /^HS(256|384|512)$/.test(alg);
  return alg === signer.defaultAlg;
}

/** The raw JWS signature over `input` (`b64url(header).b64url(payload)`), computed by hand so any header can carry it. */
export function signInput(signer: Signer, alg: string, input: Buffer): Buffer {
  if (!signerSupports(signer, alg)) throw new MintError('ERR_MINT_INVALID_RECIPE', 'signWith', `${alg} cannot be computed with this key`);
  const hash = HASH[alg.slice(2) as keyof typeof HASH];
  switch (signer.kind) {
    case 'none':
      return Buffer.alloc(0);
    case 'ecdsa-zero':
      return Buffer.alloc(64);
    case 'hmac':
      return createHmac(hash, signer.secret).update(input).digest();
    case 'rsa':
      if (signer.key.publicExponent === 1) return exponentOneSignature(hash, input, Math.ceil(signer.key.modulusLength / 8));
      if (alg.startsWith('PS')) {
        return sign(hash, input, { key: signer.key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 });
      }
      return sign(hash, input, signer.key.privateKey);
  }
}
