import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/app-only-token-without-roles',
  title: 'answers 403 to an app-only token of a client granted no application permissions',
  level: 'must',
  references: [{ doc: 'Entra access-token-claims-reference' }, { doc: 'RFC 6750', section: '3.1' }],
  covers: ['X09', 'E23'],
  features: [],
  token: { client: 'no-roles-daemon' },
  expect: { outcome: 'reject', status: [401, 403], upstream: 'untouched' },
});
