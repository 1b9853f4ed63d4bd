import { defineCase } from '../../harness/define-case.ts';
import { spoofClaimHeaders } from '../../harness/spoof-claim-headers.ts';

export default defineCase({
  id: 'forwarding/spoofed-claim-headers-underscore-every-route',
  title: 'removes every claim header a client spells with underscores (X_User_Id), on every route: CGI-style upstreams read it as the real one',
  level: 'should',
  references: [
    { doc: 'mod_auth_openidc', section: 'oidc_scrub_request_headers (env-equivalent names)' },
    { doc: 'nginx', section: 'underscores_in_headers' },
    { doc: 'RFC 3875', section: '4.1.18' },
    { doc: 'gatecheck target profile', section: 'claimHeaders' },
  ],
  covers: ['F05', 'F03'],
  features: ['claim-headers'],
  steps: (profile) => spoofClaimHeaders(profile, (name) => [name.replaceAll('-', '_'), name.replaceAll('-', '_').toLowerCase()]),
});
