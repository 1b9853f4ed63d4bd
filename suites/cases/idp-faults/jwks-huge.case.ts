import { defineCase } from '../../harness/define-case.ts';
import { keyFetchProbe } from '../../harness/key-fetch-probe.ts';

/** Filler keys the mock appends: about 15 MB. The last one's kid is `gatecheck-huge-10000`. */
const FILLER = 10_000;

export default defineCase({
  id: 'idp-faults/jwks-huge',
  title: 'stays responsive and bounded when the JWKS is 10 MB or 10 000 keys',
  // The oversized set is served by the trusted IdP itself, so taking its keys in follows RFC 9068 §4 (use the
  // keys the AS provides); bounding what is fetched (CWE-770) is recommended, not an RFC MUST.
  level: 'should',
  references: [
    { doc: 'CWE-770', section: 'Allocation of Resources Without Limits or Throttling' },
    { doc: 'RFC 7517', section: '5' },
  ],
  covers: ['H13'],
  features: ['idp-faults', 'idp-huge-jwks'],
  exclusive: true,
  steps: (profile) => {
    const probe = keyFetchProbe(profile);
    if ('skip' in probe) return probe;
    return [
      {
        // The JWKS grows to the genuine keys plus 10 000 fillers, which are the attacker's key: a gateway
        // bounded in bytes or keys never takes the set in, so the attacker's token under the last filler
        // kid finds no key; one that takes it in whole verifies it.
        before: [probe.wait, { action: 'fault', endpoint: 'jwks', fault: { kind: 'huge', keys: FILLER } }],
        token: { key: 'attacker', header: { kid: `gatecheck-huge-${FILLER}` } },
        expect: { outcome: 'reject', status: [401, 503], upstream: 'untouched', idpRequests: [{ endpoint: 'jwks', atLeast: 1 }] },
      },
      // Still responsive, with the genuine keys it held before the oversized set arrived.
      { token: {}, expect: { outcome: 'accept', upstream: 'reached' } },
    ];
  },
  teardown: [{ action: 'clear-faults' }],
});
