import { randomBytes, webcrypto } from 'node:crypto';
import { x509 } from './x509.ts';

export interface Certificate {
  der: Buffer;
  pem: string;
}

const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** A self-signed certificate for an RSA key pair, as Entra publishes one per signing key (x5c, x5t). */
export async function selfSignedCertificate(
  keys: webcrypto.CryptoKeyPair,
  commonName: string,
  { serialNumber, notBefore = new Date(Date.now() - 24 * 3600 * 1000), validDays = 365 * 5 }: {
    serialNumber?: string;
    notBefore?: Date;
    validDays?: number;
  } = {},
): Promise<Certificate> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber ?? randomBytes(8).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + validDays * 24 * 3600 * 1000),
    signingAlgorithm: RSA_SHA256,
    keys: keys as unknown as x509.X509CertificateCreateSelfSignedParams["keys"],
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  return { der: Buffer.from(cert.rawData), pem: cert.toString('pem') };
}
