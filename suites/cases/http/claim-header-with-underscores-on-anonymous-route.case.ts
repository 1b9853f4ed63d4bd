import { defineCase } from '../../harness/define-case.ts';
import { anonymousStart } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/claim-header-with-underscores-on-anonymous-route',
  title: 'removes a claim header spelt with underscores on an anonymous route, where CGI-style upstreams read it as the real one',
  // PHP, WSGI and CGI turn `-` and `_` alike into HTTP_X_USER_ID; nginx drops such names by default
  // (underscores_in_headers). SHOULD: the forgery needs such an upstream.
  level: 'should',
  references: [
    { doc: 'nginx', section: 'underscores_in_headers' },
    { doc: 'RFC 9110', section: '5.1' },
  ],
  covers: ['X17'],
  features: ['claim-headers'],
  steps: (profile) => {
    const start = anonymousStart(profile);
    if ('skip' in start) return start;
    const name = profile.claimHeaders.userId.replaceAll('-', '_');
    if (name === profile.claimHeaders.userId) return { skip: 'the claim header name has no hyphen to spell with an underscore' };
    return [{ request: { path: start.path, tokenIn: 'none', headers: [[name, 'admin']] }, expect: { outcome: 'accept', upstreamHeaders: { [name]: null, '@userId': null } } }];
  },
});
