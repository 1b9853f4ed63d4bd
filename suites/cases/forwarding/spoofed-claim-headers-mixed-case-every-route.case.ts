import { defineCase } from '../../harness/define-case.ts';
import { spoofClaimHeaders } from '../../harness/spoof-claim-headers.ts';

export default defineCase({
  id: 'forwarding/spoofed-claim-headers-mixed-case-every-route',
  title: 'removes every claim header a client sends in mixed case, on every route, whether or not the token holds the claim',
  // No RFC defines claim headers; MUST because a client-sent copy reaching the upstream is an identity
  // or privilege the token never carried, spoofed past the gateway (Envoy jwt_authn claim_to_headers).
  level: 'must',
  references: [
    { doc: 'Envoy jwt_authn config.proto', section: 'claim_to_headers' },
    { doc: 'envoyproxy/envoy#35553' },
    { doc: 'mod_auth_openidc src/oauth.c', section: 'oidc_scrub_headers' },
    { doc: 'RFC 9110', section: '5.1' },
    { doc: 'gatecheck target profile', section: 'claimHeaders' },
  ],
  covers: ['F01', 'F02', 'F03'],
  features: ['claim-headers'],
  steps: (profile) => spoofClaimHeaders(profile, (name) => {
    // Alternate the letters' case (x-UsEr-Id); start the other way when that is the configured spelling.
    const alternate = (upperFirst: boolean) => {
      let i = upperFirst ? 1 : 0;
      return [...name].map((c) => (c.toLowerCase() === c.toUpperCase() ? c : i++ % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
    };
    const mixed = alternate(false);
    return [mixed === name ? alternate(true) : mixed];
  }),
});
