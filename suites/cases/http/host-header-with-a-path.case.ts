import { defineCase } from '../../harness/define-case.ts';
import { protectedTarget } from '../../harness/http-routes.ts';
import { rawMessage, requestIdLine, tokenLine } from '../../harness/raw-request.ts';

export default defineCase({
  id: 'http/host-header-with-a-path',
  title: 'refuses with 400 a Host header that carries a path (`Host: host/admin`)',
  // RFC 9112 §3.2: a server MUST answer 400 to a Host field with an invalid value; Host is uri-host and an
  // optional port (RFC 9110 §7.2). A proxy building the upstream URL from Host would send it elsewhere.
  level: 'must',
  references: [
    { doc: 'RFC 9112', section: '3.2' },
    { doc: 'RFC 9110', section: '7.2' },
  ],
  covers: ['X18'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    if (!profile.tokenLocations.includes('header')) return { skip: 'the contract takes no token in a header' };
    const raw = rawMessage(`GET ${target.path} HTTP/1.1`, ['Host: {host}/admin', tokenLine(profile.token.headerName), requestIdLine(), 'Connection: close']);
    return [{ request: { path: target.path, raw }, expect: { outcome: 'reject', status: 400 } }];
  },
});
