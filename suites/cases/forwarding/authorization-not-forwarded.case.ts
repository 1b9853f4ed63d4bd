import { defineCase } from '../../harness/define-case.ts';
import { allowsMethod } from '../../harness/allows-method.ts';

export default defineCase({
  id: 'forwarding/authorization-not-forwarded',
  title: 'removes the Authorization header before the upstream unless the route forwards it',
  level: 'profile',
  references: [
    { doc: 'Envoy jwt_authn config.proto', section: 'forward (default false)' },
    { doc: 'gatecheck target profile', section: 'claimHeaders' },
  ],
  covers: ['F08'],
  features: [],
  expect: (profile) => {
    const route = profile.routes.find((r) => r.auth === 'required' && allowsMethod(r, 'GET'));
    return { outcome: 'accept', upstreamHeaders: { authorization: route?.forwardAuthorization ? /^bearer /i : null } };
  },
});
