import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/payload-header',
  title: 'forwards the verified payload base64url-encoded in X-Jwt-Payload',
  level: 'profile',
  references: [{ doc: 'Envoy jwt_authn config.proto', section: 'forward_payload_header, pad_forward_payload_header' }],
  covers: ['F09'],
  features: ['forward-payload-header'],
  expect: { outcome: 'accept', upstreamHeaders: { 'x-jwt-payload': /^[A-Za-z0-9_-]+$/ } },
});
