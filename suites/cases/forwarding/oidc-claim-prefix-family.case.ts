import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/oidc-claim-prefix-family',
  title: 'removes client-sent OIDC_CLAIM_ / OIDC- family headers when the gateway uses that prefix',
  level: 'profile',
  references: [
    { doc: 'mod_auth_openidc', section: 'oidc_scrub_request_headers(OIDC_, …)' },
    { doc: 'mod_auth_openidc auth_openidc.conf', section: 'OIDCClaimPrefix' },
  ],
  covers: ['F05'],
  features: ['claim-headers'],
  request: { headers: [['OIDC_CLAIM_roles', 'admin'], ['OIDC-CLAIM-roles', 'admin'], ['OIDC_access_token', 'forged']] },
  expect: (profile) =>
    Object.values(profile.claimHeaders).some((n) => /^oidc[_-]/i.test(n))
      ? { outcome: 'accept', upstreamHeaders: { OIDC_CLAIM_roles: null, 'OIDC-CLAIM-roles': null, OIDC_access_token: null } }
      : { skip: 'the gateway does not use the OIDC_ claim-header family' },
});
