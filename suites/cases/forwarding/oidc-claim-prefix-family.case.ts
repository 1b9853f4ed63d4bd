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
  expect: (profile) => {
    if (!Object.values(profile.claimHeaders).some((n) => /^oidc[_-]/i.test(n))) return { skip: 'the gateway does not use the OIDC_ claim-header family' };
    // A gateway that sets OIDC_CLAIM_roles itself must carry the verified value only, never the client's.
    const ownsRoles = profile.claimHeaders.roles.toLowerCase() === 'oidc_claim_roles';
    return {
      outcome: 'accept',
      upstreamHeaders: { ...(ownsRoles ? { '@roles': '{claims.roles}' } : { OIDC_CLAIM_roles: null }), 'OIDC-CLAIM-roles': null, OIDC_access_token: null },
    };
  },
});
