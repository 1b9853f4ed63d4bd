import { defineCase } from '../../harness/define-case.ts';
import { allowsMethod } from '../../harness/allows-method.ts';

export default defineCase({
  id: 'transport/form-body-token-on-post',
  title: 'accepts a form-encoded POST body token only when the profile enables body tokens',
  level: 'profile',
  references: [
    { doc: 'RFC 6750', section: '2.2' },
    { doc: 'mod_auth_openidc auth_openidc.conf', section: 'OIDCOAuthAcceptTokenAs post' },
  ],
  covers: ['A09'],
  features: [],
  steps: (profile) => {
    const route = profile.routes.find((r) => r.auth === 'required' && allowsMethod(r, 'POST'));
    if (!route) return { skip: 'the profile has no protected POST route' };
    const path = route.path.replace(/\*$/, '');
    return [
      {
        // The POST route's baseline token holds what the contract requires there.
        token: {},
        request: { method: 'POST', path, tokenIn: 'none', body: 'access_token={token}', contentType: 'application/x-www-form-urlencoded' },
        expect: profile.tokenLocations.includes('body') ? { outcome: 'accept', upstream: 'reached' } : { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
      },
    ];
  },
});
