import { requiredRoles } from '../../harness/contract/probed-requirement.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/claim-value-with-crlf',
  title: 'never lets a CR LF inside a signed role value become a separate header at the upstream',
  // RFC 9110 §5.5: CR and LF in a field value are invalid; a recipient MUST reject the message or replace
  // them with SP before forwarding. A claim that becomes a header line of its own spoofs headers upstream.
  level: 'must',
  references: [{ doc: 'RFC 9110', section: '5.5' }, { doc: 'gatecheck target profile', section: 'claimHeaders' }],
  covers: ['X03'],
  features: ['claim-headers'],
  token: (profile) => ({ claims: { roles: [...requiredRoles(profile), 'x\r\nX-Injected: 1'] } }),
  expect: { outcome: 'either', upstreamHeaders: { 'x-injected': null } },
});
