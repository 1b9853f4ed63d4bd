import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'rate-limit/unauthenticated-flood',
  title: 'refuses a concurrent flood of 50 requests without credentials, none reaching the upstream',
  // RFC 6749 §7: the resource server MUST validate the access token; none of the flood may reach the upstream.
  level: 'must',
  references: [{ doc: 'gatecheck attack catalogue', section: 'G06: limit before or after auth' }, { doc: 'RFC 6750', section: '3' }, { doc: 'RFC 6749', section: '7' }],
  covers: ['G06'],
  features: [],
  steps: (profile) => [
    {
      request: { tokenIn: 'none' },
      repeat: 50,
      concurrent: true,
      expect: { outcome: 'reject', status: profile.features.includes('unauthenticated-limit') ? [401, 429] : 401, upstream: 'untouched' },
    },
  ],
});
