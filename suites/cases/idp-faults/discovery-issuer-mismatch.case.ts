import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/discovery-issuer-mismatch',
  title: 'refuses tokens when the discovery document\'s issuer differs from the configured issuer',
  level: 'must',
  references: [{ doc: 'OIDF oidcc-client-test-discovery-issuer-mismatch' }, { doc: 'RFC 8414', section: '3.3' }],
  covers: ['H08'],
  features: ['idp-faults', 'idp-discovery-control'],
  exclusive: true,
  steps: () => ({ skip: 'the mock cannot yet change its discovery issuer at run time' }),
});
