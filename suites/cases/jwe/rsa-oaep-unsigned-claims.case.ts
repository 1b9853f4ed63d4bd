import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'jwe/rsa-oaep-unsigned-claims',
  title: 'rejects an RSA-OAEP JWE whose plaintext is bare claims with no inner signature',
  level: 'must',
  references: [
    { doc: 'RFC 9068', section: '4' },
    { doc: 'RFC 8725', section: '3.3' },
    { doc: 'APIM validate-jwt', section: 'require-signed-tokens (default true)' },
  ],
  covers: ['D02'],
  features: [],
  request: {
    authorization: 'Bearer eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIiwidHlwIjoiYXQrand0In0.FkoIbZwyg3nje8wNDoQztqrQIGL-KO30tZBgL2f8U5G-bXN7HEnVimO94cT1WegsxT7bTr7yBUTgq9oByDTQGqXQfWnst4-zOJIbO0mRxHHlMRqEMq2ilWtGDC4mYurw4TSgwwnP2NbtSHAZPPc6yy_kjJiKRHjVSyFtcn-xit5bG836bHDlJ7tXGuyh9f3coSHJcfTkaRDC4jl5BDIz6rfmKIxUrCXRqXwGt9Zytkr3DGT3zOL7R2kzpPWeej9ZubTWdvWfZn8SHnF5-LHiuGBWKFRaEEN7iXM9Ivyd-a5NITg4ygJlRfAO7z9pUT50OBx78pO9xzlDyJg7yNBtJQ.Ifo-KsR9rKbjSg3y.3lMDz_mQjtQDPCreiaqxky-Rzhoespv1TbyAFCZQgwQw8GUTOFKdyJlrH-b6CfFQMnO_3FQ_XR2sJylz7jhWMkWVEHRrcUmCQBHPr0KOeY_ZW1HirlFX1M6gLsVTZ_IpiFkEOHoCgNVQ6Z_I-3GuXd1xlgoQ2SQD6FLwCjVp6hbiiCOuZJg2xN4V-JKnannNvlkpSUM8YJbyGj3BOLB8sqfH_4X7eE2uq2E623l2nkh3n0H7hTARLN_XmeWVvQ5ovQ-zUmeON_w.oArW7IaU5TJepL0YFPl5rQ',
  },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
