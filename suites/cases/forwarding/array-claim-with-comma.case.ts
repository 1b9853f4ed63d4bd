import { requiredRoles } from '../../harness/contract/probed-requirement.ts';
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
  steps: (profile) => {
    // A verified role to look for: the one the contract requires, else one the token carries for itself.
    const role = requiredRoles(profile)[0] ?? 'Gatecheck.Verified';
    const escaped = role.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return [{ token: { claims: { roles: [role, 'b,c'] } }, expect: { outcome: 'either', upstreamHeaders: { '@roles': new RegExp(escaped) } } }];
  },
});
