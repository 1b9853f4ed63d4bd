import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'transport/oversized-token',
  title: 'refuses a correctly signed token padded to 256 KiB without reaching the upstream',
  // A correctly signed token: RFC 9110 §5.4 lets a server refuse fields larger than it wishes to process,
  // no RFC requires it to. Bounding the input is recommended; accepting an IdP-signed token is not a breach.
  level: 'should',
  references: [{ doc: 'CVE-2025-30204' }, { doc: 'RFC 9110', section: '5.4' }, { doc: 'RFC 6585', section: '5' }],
  covers: ['A16'],
  features: [],
  token: { padTo: 262144 },
  expect: { outcome: 'reject', status: [400, 401, 413, 431], upstream: 'untouched' },
});
