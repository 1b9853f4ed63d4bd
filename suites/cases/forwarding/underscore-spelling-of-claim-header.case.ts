import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/underscore-spelling-of-claim-header',
  title: 'removes a client-sent claim header spelt with underscores (X_User_Id), which CGI-style upstreams read as the real one',
  level: 'should',
  references: [
    { doc: 'mod_auth_openidc', section: 'oidc_scrub_request_headers (env-equivalent names)' },
    { doc: 'nginx', section: 'underscores_in_headers' },
  ],
  covers: ['F05'],
  features: ['claim-headers'],
  request: (profile) => ({ headers: [[profile.claimHeaders.userId.replaceAll('-', '_'), 'admin']] }),
  expect: (profile) => ({ outcome: 'accept', upstreamHeaders: { [profile.claimHeaders.userId.replaceAll('-', '_')]: null } }),
});
