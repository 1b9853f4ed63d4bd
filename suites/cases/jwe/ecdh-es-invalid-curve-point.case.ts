import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'jwe/ecdh-es-invalid-curve-point',
  title: 'rejects an ECDH-ES JWE whose epk is not a point on P-256',
  level: 'must',
  references: [
    { doc: 'RFC 8725', section: '3.4' },
    { doc: 'Wycheproof json_web_encryption_test', section: 'rejectsInvalidCurvePoint' },
  ],
  covers: ['D07'],
  features: [],
  request: {
    authorization: 'Bearer eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTI1NkdDTSIsImVwayI6eyJrdHkiOiJFQyIsImNydiI6IlAtMjU2IiwieCI6IkFRRUJBUUVCQVFFQkFRRUJBUUVCQVFFQkFRRUJBUUVCQVFFQkFRRUJBUUUiLCJ5IjoiQWdJQ0FnSUNBZ0lDQWdJQ0FnSUNBZ0lDQWdJQ0FnSUNBZ0lDQWdJQ0FnSSJ9fQ..k5MFB-2-eIJ6pcD5.8ZNGCjsDrmsUs3kU4lAA63QYP_7nNZ19-A3HdNTSoW16VUcKpv4JzFzXK22q6YuY38s2jRdtiHa2pqQ1GugI42U3_vM86fZuqDIyMGSKp0x9AYmIBTOfAF60TGGP1634ltZlFW3izK4HV3D9W6m-yBp2CKntQNB0JaoHThIBCy_EtIBO_6aZi6tFwBMoROoxDnVF7qGTElu7mkAay5dx9vDxmS5otqnfHy32pn9tFCmaMO294BuNz4fzB8N9Q54dKfG484NM6_4.LOE66b12fcNhjFYvJXk0Vw',
  },
  expect: { outcome: 'reject', status: [400, 401], upstream: 'untouched' },
});
