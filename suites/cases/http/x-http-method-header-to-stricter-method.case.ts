import { defineCase } from '../../harness/define-case.ts';
import { grantedBy, methodBeyond, protectedTarget } from '../../harness/http-routes.ts';

export default defineCase({
  id: 'http/x-http-method-header-to-stricter-method',
  title: 'does not forward X-HTTP-Method (the OData and SharePoint spelling) turning an authorised GET into a stricter method',
  level: 'should',
  references: [
    { doc: 'RFC 9110', section: '9.1' },
    { doc: 'OWASP REST Security Cheat Sheet', section: 'method override' },
  ],
  covers: ['X16'],
  features: [],
  steps: (profile) => {
    const target = protectedTarget(profile);
    if ('skip' in target) return target;
    const method = methodBeyond(profile, target.path, grantedBy(target.route));
    if (!method) return { skip: 'every method on the protected path is allowed to its GET token' };
    return [{ request: { path: target.path, headers: [['X-HTTP-Method', method]] }, expect: { outcome: 'either', guard: { readings: ['overrides'] } } }];
  },
});
