import { createHmac, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { mint } from '../mint/mint.ts';
import { publicKeyBytes } from '../mint/public-key-bytes.ts';
import { PUBLIC_KEY_ENCODINGS, type PublicKeyEncoding } from '../mint/token-recipe.ts';
import type { SigningKey } from '../keys/signing-key.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { fixtureRuntime } from './support/contoso-runtime.ts';

/** The public key a gateway would recover from these bytes, the way a library holding that form parses it. */
function parse(encoding: PublicKeyEncoding, bytes: Buffer): KeyObject {
  const text = bytes.toString('utf8');
  if (encoding.startsWith('certificate-pem')) return new X509Certificate(text.trim()).publicKey;
  if (encoding === 'certificate-der') return new X509Certificate(bytes).publicKey;
  if (encoding === 'x5c-base64') return new X509Certificate(Buffer.from(text, 'base64')).publicKey;
  if (encoding === 'pem-body') return createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
  if (encoding.includes('pem')) return createPublicKey(text.trim());
  if (encoding === 'der') return createPublicKey({ key: bytes, format: 'der', type: 'spki' });
  if (encoding === 'pkcs1-der') return createPublicKey({ key: bytes, format: 'der', type: 'pkcs1' });
  if (encoding === 'jwks-json') return createPublicKey({ key: JSON.parse(text).keys[0], format: 'jwk' });
  if (encoding.startsWith('jwk-json')) return createPublicKey({ key: JSON.parse(text), format: 'jwk' });
  if (encoding === 'modulus') return createPublicKey({ key: { kty: 'RSA', n: bytes.toString('base64url'), e: 'AQAB' }, format: 'jwk' });
  throw new Error(`no parser for ${encoding}`);
}

describe('publicKeyBytes() — every form a gateway may hold the RSA key in (RFC 8725 §2.1 key confusion)', () => {
  let contoso: TenantRuntime;
  let key: SigningKey;
  beforeAll(async () => {
    contoso = await fixtureRuntime('contoso');
    key = contoso.keys.byState('primary')!;
  });

  test('each encoding is the same public key, parsed the way a library holding that form would', () => {
    const spki = key.publicKey.export({ type: 'spki', format: 'der' });
    for (const encoding of PUBLIC_KEY_ENCODINGS) {
      expect(parse(encoding, publicKeyBytes(key, encoding)).export({ type: 'spki', format: 'der' }), encoding).toEqual(spki);
    }
  });

  test('no two encodings give the same bytes, so each case is a distinct HMAC secret', () => {
    const seen = new Map<string, string>();
    for (const encoding of PUBLIC_KEY_ENCODINGS) {
      const hex = publicKeyBytes(key, encoding).toString('hex');
      expect(seen.get(hex), `${encoding} repeats ${seen.get(hex)}`).toBeUndefined();
      seen.set(hex, encoding);
    }
  });

  test('whitespace variants differ from their plain form exactly by the whitespace they name', () => {
    const text = (e: PublicKeyEncoding) => publicKeyBytes(key, e).toString('utf8');
    expect(text('pem').endsWith('-----\n')).toBe(true);
    expect(text('pem-no-newline')).toBe(text('pem').trimEnd());
    expect(text('pem-crlf')).toBe(text('pem').replaceAll('\n', '\r\n'));
    expect(text('pem-crlf')).not.toMatch(/[^\r]\n/);
    expect(text('pem-padded')).toBe(`\n${text('pem')}\n`);
    expect(text('pem-leading-space')).toBe(` ${text('pem')}`);
    expect(text('pem-body')).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(text('pkcs1-pem')).toMatch(/^-----BEGIN RSA PUBLIC KEY-----\n[\s\S]+-----END RSA PUBLIC KEY-----\n$/);
    expect(text('pkcs1-pem-no-newline')).toBe(text('pkcs1-pem').trimEnd());
    expect(text('pkcs1-pem-crlf')).toBe(text('pkcs1-pem').replaceAll('\n', '\r\n'));
    expect(text('certificate-pem')).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----$/);
    expect(text('certificate-pem-newline')).toBe(`${text('certificate-pem')}\n`);
    expect(text('certificate-pem-crlf')).toBe(`${text('certificate-pem')}\n`.replaceAll('\n', '\r\n'));
    expect(text('jwk-json-newline')).toBe(`${text('jwk-json')}\n`);
    expect(text('jwk-json-pretty')).toBe(`${JSON.stringify(JSON.parse(text('jwk-json')), null, 2)}\n`);
    expect(JSON.parse(text('jwk-json'))).toEqual(key.publicJwk());
    expect(text('x5c-base64')).toBe(key.publicJwk().x5c![0]);
  });

  test('mint() signs hmac-with-public-key with exactly these bytes, for every encoding', async () => {
    for (const encoding of PUBLIC_KEY_ENCODINGS) {
      const { token, header } = await mint(contoso, { key: { type: 'hmac-with-public-key', encoding } });
      const [h, p, s] = token.split('.');
      const mac = createHmac('sha256', publicKeyBytes(key, encoding)).update(`${h}.${p}`).digest('base64url');
      expect(s, encoding).toBe(mac);
      expect(header, encoding).toMatchObject({ alg: 'HS256', kid: key.kid });
    }
  });
});
