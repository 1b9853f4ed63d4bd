import { parsePolicyXml } from './parse-policy-xml.ts';
import { readApigeePolicy, type ApigeeVerifyJwt } from './read-apigee-policy.ts';
import { readApimPolicy, type ApimPolicy } from './read-apim-policy.ts';

export type Policy = ApimPolicy | ApigeeVerifyJwt;

/** APIM `<policies>` document or Apigee `<VerifyJWT>`, told apart by the root element. */
export function readPolicy(text: string, file: string): Policy {
  const root = parsePolicyXml(text, file);
  return root.name === 'policies' ? readApimPolicy(root, file) : readApigeePolicy(root, file);
}
