import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/jwks-huge',
  title: 'stays responsive and bounded when the JWKS is 10 MB or 10 000 keys',
  level: 'must',
  references: [{ doc: 'attacks.md §1 H13', section: 'design' }],
  covers: ['H13'],
  features: ['idp-faults', 'idp-huge-jwks'],
  exclusive: true,
  steps: () => ({ skip: 'the mock cannot yet serve an oversized JWKS' }),
});
