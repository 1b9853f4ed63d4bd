import { requiredRoles } from '../../harness/contract/probed-requirement.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/claim-value-non-ascii',
  title: 'forwards a role with non-ASCII text as a single printable header value',
  level: 'should',
  references: [{ doc: 'RFC 9110', section: '5.5' }],
  covers: ['X03'],
  features: ['claim-headers'],
  token: (profile) => ({ claims: { roles: [...requiredRoles(profile), 'Bestellungen.Lesen-ä'] } }),
  expect: { outcome: 'either', upstreamHeaders: { '@roles': /^[\x20-\x7e]*$/ } },
});
