import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/es256-psychic-signature',
  title: 'rejects ES256 with r = s = 0 (the psychic signature)',
  level: 'must',
  references: [{ doc: 'RFC 7518', section: '3.4' }, { doc: 'CVE-2022-21449' }, { doc: 'Wycheproof ecdsa tests', section: 'rIsZero_sIsZero' }],
  covers: ['B15', 'B16'],
  features: [],
  token: { key: { type: 'ecdsa-zero-signature' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
