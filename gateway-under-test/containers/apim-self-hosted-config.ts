import type { TargetProfile } from '../target.ts';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The validate-jwt policy the Azure API Management self-hosted gateway runs for the profile: the
 * mock's OpenID configuration, the audience, the issuer, and a required-claims block per route (an
 * APIM operation-level policy; here the GET route's). The self-hosted gateway fetches this policy
 * from its APIM instance, so the XML is what an operator imports there.
 */
export function apimSelfHostedPolicy(profile: TargetProfile, openIdConfigUrl: string): string {
  const route = profile.routes.find((r) => r.auth === 'required' && r.require);
  const issuer = profile.issuers[0].issuer;
  const claims = route?.require
    ? [
        '      <required-claims>',
        // match="any" across roles and scp is not expressible in one claim element; roles it is.
        `        <claim name="roles" match="any">${route.require.values.map((v) => `<value>${xml(v)}</value>`).join('')}</claim>`,
        '      </required-claims>',
      ]
    : [];
  return [
    '<policies>',
    '  <inbound>',
    '    <base />',
    `    <validate-jwt header-name="Authorization" require-scheme="Bearer" failed-validation-httpcode="401" require-expiration-time="${profile.token.requireExp}" clock-skew="${profile.clockSkewSeconds}">`,
    `      <openid-config url="${xml(openIdConfigUrl)}" />`,
    `      <audiences>${profile.audiences.map((a) => `<audience>${xml(a)}</audience>`).join('')}</audiences>`,
    `      <issuers><issuer>${xml(issuer)}</issuer></issuers>`,
    ...claims,
    '    </validate-jwt>',
    '  </inbound>',
    '  <backend><base /></backend>',
    '  <outbound><base /></outbound>',
    '  <on-error><base /></on-error>',
    '</policies>',
    '',
  ].join('\n');
}

/** Environment of the self-hosted gateway container (mcr.microsoft.com/azure-api-management/gateway:v2). */
export function apimSelfHostedEnv(endpoint: string, token: string): Record<string, string> {
  return {
    'config.service.endpoint': endpoint,
    'config.service.auth': token,
    'net.server.http.forwarded.proto.enabled': 'true',
  };
}
