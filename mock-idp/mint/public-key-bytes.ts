import type { SigningKey } from '../keys/signing-key.ts';
import type { PUBLIC_KEY_ENCODINGS } from './token-recipe.ts';

/**
 * The bytes an attacker would feed to HMAC in the RS→HS key-confusion attack. Each encoding matches
 * one way a vulnerable library turns "the verification key" into an HMAC secret (RFC 8725 §2.1).
 */
export function publicKeyBytes(key: SigningKey, encoding: (typeof PUBLIC_KEY_ENCODINGS)[number]): Buffer {
  switch (encoding) {
    case 'pem':
      return Buffer.from(key.publicKey.export({ type: 'spki', format: 'pem' }) as string);
    case 'pem-no-newline':
      return Buffer.from((key.publicKey.export({ type: 'spki', format: 'pem' }) as string).trimEnd());
    case 'pkcs1-pem':
      return Buffer.from(key.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string);
    case 'der':
      return key.publicKey.export({ type: 'spki', format: 'der' });
    case 'jwk-json':
      return Buffer.from(JSON.stringify(key.publicJwk()));
    case 'modulus':
      return Buffer.from(key.publicJwk().n, 'base64url');
    case 'certificate-pem':
      return Buffer.from(key.certificatePem);
  }
}
