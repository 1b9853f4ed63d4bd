import type { SigningKey } from '../keys/signing-key.ts';
import type { PublicKeyEncoding } from './token-recipe.ts';

/**
 * The bytes an attacker would feed to HMAC in the RS→HS key-confusion attack. Each encoding matches
 * one way a vulnerable library turns "the verification key" into an HMAC secret (RFC 8725 §2.1): the
 * key as PEM (SPKI or PKCS#1), certificate, DER, JWK or JWKS text, each with and without the whitespace
 * that files and environment variables keep around it.
 */
export function publicKeyBytes(key: SigningKey, encoding: PublicKeyEncoding): Buffer {
  const spkiPem = () => key.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const pkcs1Pem = () => key.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  // The certificate whose DER the JWKS publishes in x5c; @peculiar/x509 writes it without a final newline.
  const certificatePem = () => key.certificatePem.trimEnd();
  const jwk = () => key.publicJwk();
  switch (encoding) {
    case 'pem':
      return Buffer.from(spkiPem());
    case 'pem-no-newline':
      return Buffer.from(spkiPem().trimEnd());
    case 'pem-crlf':
      return Buffer.from(crlf(spkiPem()));
    case 'pem-padded':
      return Buffer.from(`\n${spkiPem()}\n`);
    case 'pem-leading-space':
      return Buffer.from(` ${spkiPem()}`);
    case 'pem-body':
      return Buffer.from(key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
    case 'pkcs1-pem':
      return Buffer.from(pkcs1Pem());
    case 'pkcs1-pem-no-newline':
      return Buffer.from(pkcs1Pem().trimEnd());
    case 'pkcs1-pem-crlf':
      return Buffer.from(crlf(pkcs1Pem()));
    case 'der':
      return key.publicKey.export({ type: 'spki', format: 'der' });
    case 'pkcs1-der':
      return key.publicKey.export({ type: 'pkcs1', format: 'der' });
    case 'jwk-json':
      return Buffer.from(JSON.stringify(jwk()));
    case 'jwk-json-newline':
      return Buffer.from(`${JSON.stringify(jwk())}\n`);
    case 'jwk-json-pretty':
      return Buffer.from(`${JSON.stringify(jwk(), null, 2)}\n`);
    case 'jwks-json':
      return Buffer.from(JSON.stringify({ keys: [jwk()] }));
    case 'modulus':
      return Buffer.from(jwk().n, 'base64url');
    case 'certificate-pem':
      return Buffer.from(certificatePem());
    case 'certificate-pem-newline':
      return Buffer.from(`${certificatePem()}\n`);
    case 'certificate-pem-crlf':
      return Buffer.from(crlf(`${certificatePem()}\n`));
    case 'certificate-der':
      return Buffer.from(key.certificateDer);
    case 'x5c-base64':
      return Buffer.from(key.certificateDer.toString('base64'));
  }
}

/** LF line ends → CRLF (a PEM written on Windows); idempotent on text that has no bare LF. */
function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
