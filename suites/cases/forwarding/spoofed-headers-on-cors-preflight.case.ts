import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/spoofed-headers-on-cors-preflight',
  title: 'never forwards client-sent claim headers on a CORS preflight (OPTIONS) to a protected path',
  // No RFC defines claim headers; MUST because a client-sent copy reaching the upstream is an identity
  // or privilege the token never carried, spoofed past the gateway (Envoy jwt_authn claim_to_headers).
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn', section: 'bypass_cors_preflight' },
    { doc: 'mod_auth_openidc src/oauth.c', section: 'CORS preflight scrub' },
  ],
  covers: ['F03'],
  features: ['claim-headers'],
  request: (profile) => ({
    method: 'OPTIONS',
    tokenIn: 'none',
    headers: [
      ['Origin', 'https://app.example'],
      ['Access-Control-Request-Method', 'GET'],
      ...Object.values(profile.claimHeaders).map((n): [string, string] => [n, 'admin']),
    ],
  }),
  expect: (profile) => ({
    outcome: 'either',
    upstreamHeaders: Object.fromEntries(Object.values(profile.claimHeaders).map((n) => [n, null])),
  }),
});
