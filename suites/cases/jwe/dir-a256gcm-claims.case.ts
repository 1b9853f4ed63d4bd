import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'jwe/dir-a256gcm-claims',
  title: 'rejects a dir/A256GCM JWE carrying admin claims where a signed JWT is expected',
  level: 'must',
  references: [{ doc: 'RFC 9068', section: '4' }, { doc: 'RFC 8725', section: '3.3' }, { doc: 'CVE-2023-51774', section: 'json-jwt' }],
  covers: ['D01'],
  features: [],
  request: {
    authorization: 'Bearer eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..8vJD8-RVbSJZqrqW.hGHDQzBLmw5BtjHSET4m0hJnS-e642_7dOeeMzP3PZlAsNJrzrB-cSPjRfAFRkmZdt1qN8GKHQJ7WLI4KYGl6eZ6RRN8a3eaqfyJi2frpjoP8A_TaFCQx1GyqC1S5WJWwAcJP6kK4RdAVyKzdR98u5b1He6q0zq2W17-RED-YSxFJz2WVbMi2RUNp1rnVnSJycdvOo_o0QkuyzDn5eVTDdJhSw7Oq3OVahYzczIfTwpgMyyJss7w9QZbnk1A6IF-LDnnb3hdOsc.E15nN37dxcXbuGZxlv64fQ',
  },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
