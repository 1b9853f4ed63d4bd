import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'entra/literal-tenantid-template-in-issuer',
  title: 'rejects a token whose iss carries the literal {tenantid} template instead of a tenant',
  level: 'must',
  references: [
    { doc: 'Entra access-tokens', section: 'multi-tenant issuer template' },
    { doc: 'RFC 7519', section: '4.1.1' },
    { doc: 'RFC 9068', section: '4' },
  ],
  covers: ['X05'],
  features: [],
  token: (profile) => ({
    claims: { iss: profile.issuers[0].issuer.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, '{tenantid}'), tid: '{tenantid}' },
  }),
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
