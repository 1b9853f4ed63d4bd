import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/x5u-attacker-url',
  title: 'rejects a token signed by an attacker key whose x5u points at an attacker certificate',
  level: 'must',
  references: [{ doc: 'RFC 7515', section: '4.1.5' }, { doc: 'RFC 8725', section: '3.10' }],
  covers: ['C04'],
  features: [],
  token: { key: 'attacker', header: { x5u: 'http://127.0.0.1:9/cert.pem' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
