import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'keys/kid-command-injection',
  title: 'rejects an RS256 token whose kid is "|sleep 10"',
  // The token is genuinely signed by the IdP's primary key; kid is only a hint (RFC 7515 §4.1.4), so a
  // gateway that still finds the verifying key lets in no one the IdP did not sign for: refusing is recommended.
  level: 'should',
  references: [
    {
      doc: 'PortSwigger Web Security Academy',
      section: 'JWT authentication bypass via kid header path traversal',
    },
    { doc: 'jwt_tool playbook', section: 'kid injection' },
    { doc: 'RFC 8725', section: '3.10' },
  ],
  covers: ['C08'],
  features: [],
  token: { header: { kid: '|sleep 10' } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
