import { defineCase } from '../../harness/define-case.ts';

export default defineCase({
  id: 'algorithm/alg-null',
  title: 'rejects a token whose alg is null',
  level: 'must',
  references: [
    { doc: 'RFC 7515', section: '4.1.1' },
    { doc: 'RFC 7515', section: '5.2' },
    { doc: 'Apigee VerifyJWT', section: 'steps.jwt.NoAlgorithmFoundInHeader' },
    { doc: 'jwt_verify_lib', section: 'JwtHeaderBadAlg' },
    { doc: 'jwt_tool', section: '-M er' },
  ],
  covers: ['B04'],
  features: [],
  token: { header: { alg: null } },
  expect: { outcome: 'reject', status: 401, wwwAuthenticate: { error: 'invalid_token' }, upstream: 'untouched' },
});
