import { audienceRefusal } from '../../harness/audience-refusal.ts';
import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'claims/audience-upper-case',
  title: 'rejects a token whose aud is ours in upper case (exact string comparison)',
  level: 'must',
  references: [{ doc: 'RFC 7519', section: '4.1.3' }, { doc: 'RFC 7519', section: '2 (StringOrURI: compared as strings)' }, { doc: 'RFC 9068', section: '4' }],
  covers: ['E19'],
  features: [],
  token: (profile) => {
    // A contract without audiences checks none: any foreign audience shows that (graded weaker).
    const ours = profile.audiences[0] ?? 'api://gatecheck-unlisted';
    return { claims: { aud: ours.toUpperCase() === ours ? `${ours}-UPPER` : ours.toUpperCase() } };
  },
  expect: audienceRefusal,
});
