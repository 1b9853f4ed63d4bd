import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/hs256-key-confusion-ec-public-key',
  title: 'rejects HS256 whose HMAC secret is an EC P-256 public key in PEM',
  level: 'must',
  references: [
    { doc: 'RFC 8725', section: '2.1' },
    { doc: 'RFC 8725', section: '3.1' },
    { doc: 'RFC 9068', section: '4' },
    {
      doc: 'Wycheproof json_web_signature_test',
      section: 'rejectsSymmetryConfusionAttacks_aesKeyFromEcVerificationKeyBytes',
    },
  ],
  covers: ['B08'],
  features: [],
  token: {
    key: {
      type: 'hmac',
      secret: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5WxtPSNaZ8YvpNZhW6pFejkYsA8A\n+2xC+qlRsnJ8eSrCYWaEfsTrud24iSxqo41bc8lNwq1zbrUw/A+cWwZWfg==\n-----END PUBLIC KEY-----',
    },
  },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
