import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadTenants } from '../tenants/load-tenants.ts';
import { TenantConfigError } from '../tenants/tenant-config-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatecheck-tenants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = `tenant:
  name: acme
  id: 11111111-2222-4333-8444-555555555555
  domain: acme.example
apis:
  - name: api
    appId: 21111111-2222-4333-8444-555555555555
    appIdUri: api://acme
    appRoles: [Data.Read]
`;

const MI_RES = '/subscriptions/0/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/';

function load(text: string): () => unknown {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return () => loadTenants(file);
}

describe('tenant files are validated strictly, naming file, path and reason', () => {
  test('the default tenants load with the documented ids', () => {
    const tenants = loadTenants();
    expect(tenants.map((t) => [t.name, t.id, t.domain])).toEqual([
      ['contoso', '7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c', 'contoso.example'],
      ['fabrikam', '3c9a1e2b-6d4f-4a8b-b1c2-8e7f6a5b4c3d', 'fabrikam.example'],
    ]);
  });

  test.each([
    ['an unknown key', `${base}    colour: blue\n`, /apis\[0\]: Unrecognized key.*colour/],
    ['a dangling API reference', `${base}clients:\n  - name: c\n    clientId: 31111111-2222-4333-8444-555555555555\n    secret: a-long-secret\n    appRoles: { nope: [Data.Read] }\n`, /clients\[0\]\.appRoles\.nope: unknown API "nope"/],
    ['a role the API does not define', `${base}clients:\n  - name: c\n    clientId: 31111111-2222-4333-8444-555555555555\n    secret: a-long-secret\n    appRoles: { api: [Data.Write] }\n`, /clients\[0\]\.appRoles\.api\[0\]: "Data.Write" is not defined by API api/],
    ['a client with two credentials', `${base}clients:\n  - name: c\n    clientId: 31111111-2222-4333-8444-555555555555\n    secret: a-long-secret\n    public: true\n    redirectUris: [http://127.0.0.1/cb]\n`, /clients\[0\]: a client needs exactly one of secret, certificate or public/],
    ['a malformed GUID', base.replace('11111111-2222-4333-8444-555555555555', 'not-a-guid'), /tenant\.id: must be a lower-case GUID/],
    ['a duplicate client id', `${base}clients:\n  - { name: a, clientId: 31111111-2222-4333-8444-555555555555, secret: a-long-secret }\n  - { name: b, clientId: 31111111-2222-4333-8444-555555555555, secret: a-long-secret }\n`, /clients\[1\]: duplicate "31111111/],
    ['broken YAML', 'tenant: [unclosed', /not valid YAML at line 1/],
    ['allowPublicClient on a confidential client', `${base}clients:\n  - name: c\n    clientId: 31111111-2222-4333-8444-555555555555\n    secret: a-long-secret\n    allowPublicClient: true\n`, /clients\[0\]\.allowPublicClient: allowPublicClient needs public: true/],
    ['a public client with neither redirect URIs nor public client flows', `${base}clients:\n  - name: c\n    clientId: 31111111-2222-4333-8444-555555555555\n    public: true\n`, /clients\[0\]\.redirectUris: a public client needs at least one redirect URI, or allowPublicClient: true/],
    ['an optional claim Entra does not have', base.replace('appRoles: [Data.Read]', 'appRoles: [Data.Read]\n    optionalClaims: [xms_nope]'), /apis\[0\]\.optionalClaims\[0\]/],
    ['an optional claim the mock cannot fill, after a known one', base.replace('appRoles: [Data.Read]', 'appRoles: [Data.Read]\n    optionalClaims: [upn, onprem_sid]'), /\.yaml: apis\[0\]\.optionalClaims\[1\]/],
    ['a groups overage limit above Entra\'s 200', base.replace('appRoles: [Data.Read]', 'appRoles: [Data.Read]\n    groupsOverageLimit: 201'), /apis\[0\]\.groupsOverageLimit/],
    ['two system-assigned managed identities', `${base}managedIdentities:\n  - { name: a, type: system-assigned, clientId: 41111111-2222-4333-8444-555555555555, principalId: 51111111-2222-4333-8444-555555555555, resourceId: ${MI_RES}a }\n  - { name: b, type: system-assigned, clientId: 41111111-2222-4333-8444-555555555556, principalId: 51111111-2222-4333-8444-555555555556, resourceId: ${MI_RES}b }\n`, /managedIdentities\[1\]\.type: a host has at most one system-assigned identity/],
    ['a managed identity role the API does not define', `${base}managedIdentities:\n  - { name: a, type: user-assigned, clientId: 41111111-2222-4333-8444-555555555555, principalId: 51111111-2222-4333-8444-555555555555, resourceId: ${MI_RES}a, appRoles: { api: [Data.Write] } }\n`, /managedIdentities\[0\]\.appRoles\.api\[0\]: "Data.Write" is not defined by API api/],
    ['a managed identity with a client\'s id', `${base}clients:\n  - { name: c, clientId: 41111111-2222-4333-8444-555555555555, secret: a-long-secret }\nmanagedIdentities:\n  - { name: a, type: user-assigned, clientId: 41111111-2222-4333-8444-555555555555, principalId: 51111111-2222-4333-8444-555555555555, resourceId: ${MI_RES}a }\n`, /managedIdentities\[0\]\.clientId: "41111111-2222-4333-8444-555555555555" is already a client's clientId/],
    ['a managed identity whose resource id is not one', `${base}managedIdentities:\n  - { name: a, type: user-assigned, clientId: 41111111-2222-4333-8444-555555555555, principalId: 51111111-2222-4333-8444-555555555555, resourceId: orders-sync }\n`, /managedIdentities\[0\]\.resourceId: must be an Azure resource id/],
    ['a missing certificate file', `${base}clients:\n  - name: c\n    clientId: 31111111-2222-4333-8444-555555555555\n    certificate: missing.pem\n`, /clients\[0\]\.certificate: cannot read a PEM certificate/],
  ])('rejects %s', (_what, text, message) => {
    const run = load(text);
    expect(run).toThrow(TenantConfigError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (e) {
      expect((e as TenantConfigError).code).toBe('ERR_TENANT_CONFIG');
      expect((e as Error).message).toMatch(/^[^\n]+\.yaml: /);
    }
  });

  test('rejects two files that define the same tenant', () => {
    const d = mkdtempSync(join(dir, 'dup-'));
    writeFileSync(join(d, 'a.yaml'), base);
    writeFileSync(join(d, 'b.yaml'), base);
    expect(() => loadTenants(d)).toThrow(/b\.yaml: tenant: "acme" is already used by .*a\.yaml/);
  });
});
