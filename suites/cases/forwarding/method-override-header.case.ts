import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'forwarding/method-override-header',
  title: 'does not forward X-HTTP-Method-Override on a GET authorised as a GET',
  level: 'should',
  references: [
    { doc: 'OWASP REST Security Cheat Sheet', section: 'method override' },
    { doc: 'RFC 9110', section: '9.1' },
  ],
  covers: ['X08'],
  features: [],
  request: { headers: [['X-HTTP-Method-Override', 'POST'], ['X-Method-Override', 'POST']] },
  expect: { outcome: 'either', upstreamHeaders: { 'x-http-method-override': null, 'x-method-override': null } },
});
