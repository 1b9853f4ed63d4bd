import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/jwks-uri-change',
  title: 'follows a jwks_uri change in the discovery document',
  level: 'should',
  references: [{ doc: 'OIDF oidcc-client-test-discovery-jwks-uri-keys' }],
  covers: ['H09'],
  features: ['idp-faults', 'idp-discovery-control'],
  exclusive: true,
  steps: () => ({ skip: 'the mock cannot yet move its jwks_uri at run time' }),
});
