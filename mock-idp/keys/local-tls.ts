import { randomBytes, webcrypto } from 'node:crypto';
import { x509 } from './x509.ts';

export interface LocalTls {
  /** Server key and certificate (PEM) for 127.0.0.1, localhost and the extra hosts. */
  keyPem: string;
  certPem: string;
  /** The trust anchor to hand to clients: NODE_EXTRA_CA_CERTS, OIDCCABundlePath and friends. */
  caPem: string;
  /** Another server certificate from the same CA, for exactly these names (the wrong-host TLS fault). */
  issue(names: string[]): Promise<{ keyPem: string; certPem: string }>;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pkcs8Pem(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  return `01${randomBytes(8).toString('hex')}`;
}

/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1, localhost and `hosts`.
 * mod_auth_openidc refuses plain-http JWKS URIs, so the mock needs real TLS that peers can be told to trust.
 */
export async function createLocalTls({ hosts = [] }: { hosts?: string[] } = {}): Promise<LocalTls> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const gen = () => webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']) as unknown as Promise<Keys>;
  const [caKeys, leafKeys] = await Promise.all([gen(), gen()]);
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 397 * 24 * 3600_000);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=gatecheck local test CA (do not trust outside tests)',
    notBefore,
    notAfter,
    signingAlgorithm: EC,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const issue = async (names: string[], keys?: Keys) => {
    const leafKeys = keys ?? (await gen());
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${names[0]}`,
      issuer: ca.subject,
      notBefore,
      notAfter,
      signingAlgorithm: EC,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [...(await serverExtensions(names, leafKeys)), await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey)],
    });
    const keyPem = pkcs8Pem(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey as unknown as webcrypto.CryptoKey));
    return { keyPem, certPem: leaf.toString('pem') };
  };
  const leaf = await issue([...new Set(['127.0.0.1', 'localhost', ...hosts])], leafKeys);
  return { ...leaf, caPem: ca.toString('pem'), issue: (names) => issue(names) };
}

type Keys = x509.X509CertificateCreateSelfSignedParams['keys'];

async function serverExtensions(names: string[], keys: Keys): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(
      names.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
}

/**
 * A server certificate for 127.0.0.1 and localhost that is its own issuer: no CA vouches for it, so a
 * client that validates the chain refuses it (the self-signed TLS fault).
 */
export async function createSelfSignedServerTls(): Promise<{ keyPem: string; certPem: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as unknown as Keys;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=127.0.0.1',
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 397 * 24 * 3600_000),
    signingAlgorithm: EC,
    keys,
    extensions: await serverExtensions(['127.0.0.1', 'localhost'], keys),
  });
  return { keyPem: pkcs8Pem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as webcrypto.CryptoKey)), certPem: cert.toString('pem') };
}
