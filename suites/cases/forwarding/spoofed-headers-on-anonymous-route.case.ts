import { defineCase } from '../../harness/define-case.ts';
import { allowsMethod } from '../../harness/allows-method.ts';

export default defineCase({
  id: 'forwarding/spoofed-headers-on-anonymous-route',
  title: 'removes client-sent claim headers on an anonymous route',
  // No RFC defines claim headers; MUST because a client-sent copy reaching the upstream is an identity
  // or privilege the token never carried, spoofed past the gateway (Envoy jwt_authn claim_to_headers).
  level: 'must',
  references: [
    { doc: 'envoyproxy/envoy PR #46586', section: 'sanitise filter-wide' },
    { doc: 'mod_auth_openidc src/oauth.c', section: 'oidc_scrub_headers' },
  ],
  covers: ['F03'],
  features: ['claim-headers'],
  steps: (profile) => {
    const route = profile.routes.find((r) => r.auth === 'anonymous' && allowsMethod(r, 'GET'));
    if (!route) return { skip: 'the profile has no anonymous GET route' };
    const names = Object.values(profile.claimHeaders);
    return [
      {
        request: { path: route.path.replace(/\*$/, ''), tokenIn: 'none', headers: names.map((n): [string, string] => [n, 'admin']) },
        expect: { outcome: 'accept', upstreamHeaders: Object.fromEntries(names.map((n) => [n, null])) },
      },
    ];
  },
});
