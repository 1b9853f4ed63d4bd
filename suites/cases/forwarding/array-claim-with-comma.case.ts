import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/array-claim-with-comma',
  title: 'forwards a role containing a comma in a way that still shows the verified role, and reports the join',
  level: 'either',
  references: [
    { doc: 'mod_auth_openidc auth_openidc.conf', section: 'OIDCClaimDelimiter' },
    { doc: 'Envoy jwt_authn config.proto', section: 'claim_to_headers: arrays unsupported' },
  ],
  covers: ['F07'],
  features: ['claim-headers'],
  token: { claims: { roles: ['Orders.Read', 'b,c'] } },
  expect: { outcome: 'either', upstreamHeaders: { '@roles': /Orders\.Read/ } },
});
