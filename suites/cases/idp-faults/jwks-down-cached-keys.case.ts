import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'idp-faults/jwks-down-cached-keys',
  title: 'with the JWKS endpoint down, tokens signed by a cached key are still accepted without hammering the IdP',
  // Availability (stale-if-error) and load on the IdP: a gateway that refuses while the JWKS is down fails
  // closed, and no RFC requires a key cache. IdP DoS by unknown kids is keys/unknown-kid-flood (MUST).
  level: 'should',
  references: [
    { doc: 'Envoy jwt_authn', section: 'remote_jwks cache_duration' },
    { doc: 'mod_auth_openidc', section: 'OIDCJWKSRefreshInterval' },
  ],
  covers: ['H02'],
  features: ['idp-faults'],
  setup: [{ action: 'fault', endpoint: 'jwks', fault: { kind: 'down' } }],
  steps: [
    {
      token: {},
      repeat: 5,
      expect: { outcome: 'accept', idpRequests: [{ endpoint: 'jwks', atMost: 1 }] },
    },
  ],
  teardown: [{ action: 'clear-faults' }],
});
