import { defaultPath } from '../../harness/build-request.ts';
import { routeFor } from '../../harness/contract/route-for.ts';
import { defineCase } from '../../harness/define-case.ts';

const FORGED = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGVzIjpbIk9yZGVycy5SZWFkIiwiT3JkZXJzLldyaXRlIl19.';

export default defineCase({
  id: 'transport/valid-and-forged-authorization-headers',
  title: 'never lets a forged alg-none token in a second Authorization line reach the upstream (refusing with 400 is best)',
  level: 'must',
  references: [{ doc: 'RFC 6750', section: '3.1' }, { doc: 'RFC 9110', section: '5.3' }],
  covers: ['A05'],
  features: [],
  request: {
    authorization: [
      'Bearer {token}',
      `Bearer ${FORGED}`,
    ],
  },
  // The danger is a backend reading the line the gateway did not verify. A gateway that validates the first
  // line and forwards only it (or no Authorization at all) confuses no one; refusing the request is better.
  expect: (profile) => {
    const forwards = routeFor(profile, 'GET', defaultPath(profile))?.forwardAuthorization ?? false;
    return {
      outcome: 'either',
      status: 400,
      wwwAuthenticate: { error: 'invalid_request' },
      upstreamHeaders: { authorization: forwards ? new RegExp(`^(?!.*${FORGED.slice(0, 24).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`) : null },
    };
  },
});
