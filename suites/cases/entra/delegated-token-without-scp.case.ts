import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/delegated-token-without-scp',
  title: 'answers 403 to a delegated token for a user without the role whose scp was removed',
  level: 'must',
  references: [{ doc: 'Entra access-token-claims-reference' }, { doc: 'RFC 6750', section: '3.1' }],
  covers: ['X09'],
  features: [],
  token: { profile: 'entra-v2-user', user: 'bob@contoso.example', omitClaims: ['scp'] },
  expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' },
});
