import { z } from 'zod';

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a lower-case GUID');
const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes');
const permission = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be a permission name such as Orders.Read');
/** Map from API name to permission names; API names are checked against `apis` after parsing. */
const perApi = z.record(name, z.array(permission));

export const ApiSchema = z.strictObject({
  name,
  appId: guid,
  appIdUri: z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, 'must be an absolute URI such as api://orders-api'),
  /** Entra's manifest `accessTokenAcceptedVersion`: decides the token version, whatever endpoint issued it. */
  accessTokenAcceptedVersion: z.union([z.literal(1), z.literal(2)]).default(2),
  scopes: z.array(permission).default([]),
  appRoles: z.array(permission).default([]),
  /**
   * Optional claims the API asked for in its manifest (`optionalClaims.accessToken`). `xms_cc` reaches
   * the API's tokens only when it is listed here and the client asks for it in the `claims` parameter
   * (Entra claims-challenge.md). `upn`, `given_name`, `family_name` and `ipaddr` are in Learn's
   * optional claims reference (https://learn.microsoft.com/entra/identity-platform/optional-claims-reference)
   * among the claims v1.0 tokens always carry and v2.0 tokens carry only when asked for: they add them
   * to the API's v2 user tokens (a user without a given or family name gets none). `groups` is not
   * here: the mock emits a user's groups in every user token, as an app with `groupMembershipClaims`
   * set gets them, and the optional claim only changes their format.
   */
  optionalClaims: z.array(z.enum(['xms_cc', 'upn', 'given_name', 'family_name', 'ipaddr'])).default([]),
  /**
   * How many groups a user token for this API carries before Entra's groups overage replaces them
   * with a link to Microsoft Graph: 200 for JWTs in Entra; a small number lets a tenant file test
   * the overage with a few groups.
   */
  groupsOverageLimit: z.number().int().min(1).max(200).default(200),
});

export const ClientSchema = z
  .strictObject({
    name,
    clientId: guid,
    /** Service principal object id (`oid`, and `sub` of app-only tokens); derived from the client id when absent. */
    objectId: guid.optional(),
    secret: z.string().min(8).optional(),
    /** Path to a PEM certificate (relative to the tenant file) whose key signs `private_key_jwt` assertions. */
    certificate: z.string().optional(),
    public: z.boolean().default(false),
    /**
     * Entra's "Allow public client flows" (manifest `allowPublicClient`): a public client may use the
     * device code and username/password (ROPC) grants, and needs no redirect URI for them.
     */
    allowPublicClient: z.boolean().default(false),
    redirectUris: z.array(z.url()).default([]),
    /** Application permissions granted (admin consented) per API: they become `roles` in app-only tokens. */
    appRoles: perApi.default({}),
    /** Delegated permissions consented per API: requested scopes within them become `scp` in user tokens. */
    delegatedPermissions: perApi.default({}),
  })
  .superRefine((c, ctx) => {
    const credentials = [c.secret, c.certificate, c.public ? true : undefined].filter((x) => x !== undefined);
    if (credentials.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'a client needs exactly one of secret, certificate or public: true' });
    }
    if (c.public && c.redirectUris.length === 0 && !c.allowPublicClient) {
      ctx.addIssue({ code: 'custom', path: ['redirectUris'], message: 'a public client needs at least one redirect URI, or allowPublicClient: true for device code and ROPC only' });
    }
    if (c.allowPublicClient && !c.public) {
      ctx.addIssue({ code: 'custom', path: ['allowPublicClient'], message: 'allowPublicClient needs public: true' });
    }
  });

export const UserSchema = z.strictObject({
  upn: z.email(),
  oid: guid,
  name: z.string().min(1),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  groups: z.array(guid).default([]),
  /** Directory role template ids (`wids`). */
  wids: z.array(guid).default([]),
  /** The user's password for the username/password (ROPC) grant: a public demo value; without one the user cannot use ROPC. */
  password: z.string().min(8).optional(),
  /** App roles assigned to the user per API: they become `roles` in the user's tokens for that API. */
  appRoles: perApi.default({}),
});

/**
 * A managed identity (Entra managed-identities-azure-resources overview): a service principal Azure
 * creates for a resource (system-assigned, one per resource) or as a resource of its own
 * (user-assigned). The mock is the one host all of a tenant's managed identities are attached to: a
 * request naming no identity gets the system-assigned one.
 */
export const ManagedIdentitySchema = z.strictObject({
  name,
  type: z.enum(['system-assigned', 'user-assigned']),
  /** The identity's application (client) id: `azp`/`appid` of its tokens, `client_id` in requests. */
  clientId: guid,
  /** The service principal's object id: `oid` and `sub` of its tokens, `principal_id`/`object_id` in requests. */
  principalId: guid,
  /**
   * The Azure resource id: of the user-assigned identity itself, or of the resource a system-assigned
   * one belongs to. Tokens carry it as `xms_mirid`; requests may name a user-assigned identity by it
   * (`mi_res_id`, `msi_res_id`).
   */
  resourceId: z.string().regex(/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+/i, 'must be an Azure resource id such as /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}'),
  /** App roles assigned to the identity's service principal per API: `roles` in its tokens. */
  appRoles: perApi.default({}),
});

export const TenantFileSchema = z.strictObject({
  tenant: z.strictObject({ name, id: guid, domain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be a domain name') }),
  apis: z.array(ApiSchema).default([]),
  clients: z.array(ClientSchema).default([]),
  users: z.array(UserSchema).default([]),
  managedIdentities: z.array(ManagedIdentitySchema).default([]),
});

export type Api = z.infer<typeof ApiSchema>;
export type User = z.infer<typeof UserSchema>;
export type ManagedIdentity = z.infer<typeof ManagedIdentitySchema>;
export type TenantFile = z.infer<typeof TenantFileSchema>;
export type Client = z.infer<typeof ClientSchema> & {
  objectId: string;
  /** PEM of the certificate's public key, read at load time. */
  certificatePem?: string;
};

/** A tenant definition after loading: references resolved and checked. */
export interface Tenant {
  name: string;
  id: string;
  domain: string;
  apis: Api[];
  clients: Client[];
  users: User[];
  managedIdentities: ManagedIdentity[];
  source: string;
}
