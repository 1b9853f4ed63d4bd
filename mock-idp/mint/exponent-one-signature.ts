import { createHash } from 'node:crypto';

/** DER DigestInfo prefixes of RFC 8017 §9.2, note 1. */
const DIGEST_INFO = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
} as const;

/**
 * An RS256/384/512 signature that verifies under an RSA public key with exponent 1 (RFC 8017 §8.2):
 * with e = 1, s^e mod n is s itself, so the signature is just the EMSA-PKCS1-v1_5 encoding of the
 * hash, which is smaller than any full-length modulus because it begins 0x00 0x01. No private key is
 * involved: anyone can forge it, which is why a verifier must refuse such a key (Wycheproof
 * `rejectsPublicExponent1`). Computed by hand because no library signs with an exponent of 1.
 */
export function exponentOneSignature(hash: keyof typeof DIGEST_INFO, input: Buffer, modulusBytes: number): Buffer {
  const t = Buffer.concat([Buffer.from(DIGEST_INFO[hash], 'hex'), createHash(hash).update(input).digest()]);
  const padding = modulusBytes - t.length - 3;
  if (padding < 8) throw new RangeError('modulus too short for this hash (RFC 8017 §9.2)');
  return Buffer.concat([Buffer.from([0x00, 0x01]), Buffer.alloc(padding, 0xff), Buffer.from([0x00]), t]);
}
