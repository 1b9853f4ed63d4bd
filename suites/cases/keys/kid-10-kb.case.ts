import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/kid-10-kb',
  title: 'rejects a token whose kid is 10 KB long',
  // The token is genuinely signed by the IdP's primary key; kid is only a hint (RFC 7515 §4.1.4), so a
  // gateway that still finds the verifying key lets in no one the IdP did not sign for: refusing is recommended.
  level: 'should',
  references: [{ doc: 'RFC 7515', section: '4.1.4' }, { doc: 'jwt_verify_lib', section: 'JwtHeaderBadKid' }],
  covers: ['C09'],
  features: [],
  token: { header: { kid: 'k'.repeat(10_000) } },
  expect: { outcome: 'reject', status: [400, 401, 413, 431], upstream: 'untouched' },
});
