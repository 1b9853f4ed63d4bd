import type { ControlState } from '../control/control-state.ts';
import { PUBLISHED_STATES } from '../keys/key-store.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';

export interface TenantDirectory {
  name: string;
  id: string;
  domain: string;
  issuers: { v1: string; v2: string };
  urls: TenantRuntime['urls'];
  clockOffsetSeconds: number;
  apis: { name: string; appId: string; appIdUri: string; version: 1 | 2; scopes: string[]; appRoles: string[] }[];
  /** A client's credential is named, never shown: the page is a browser tab, not a secret store. */
  clients: { name: string; clientId: string; objectId: string; credential: 'secret' | 'certificate' | 'public'; appRoles: Record<string, string[]>; delegatedPermissions: Record<string, string[]> }[];
  users: { upn: string; name: string; oid: string; groups: number; appRoles: Record<string, string[]> }[];
  keys: { kid: string; state: string; published: boolean; createdAt: string }[];
  faults: ReturnType<ControlState['faults']['list']>;
}

/** What the workbench shows of one tenant: definitions, key states and faults, without key material or client secrets. */
export function tenantDirectory(rt: TenantRuntime, state: ControlState): TenantDirectory {
  const t = rt.tenant;
  return {
    name: t.name,
    id: t.id,
    domain: t.domain,
    issuers: rt.issuers,
    urls: rt.urls,
    clockOffsetSeconds: rt.clockOffsetSeconds,
    apis: t.apis.map((a) => ({ name: a.name, appId: a.appId, appIdUri: a.appIdUri, version: a.accessTokenAcceptedVersion, scopes: a.scopes, appRoles: a.appRoles })),
    clients: t.clients.map((c) => ({
      name: c.name,
      clientId: c.clientId,
      objectId: c.objectId,
      credential: c.public ? 'public' : c.certificate ? 'certificate' : 'secret',
      appRoles: c.appRoles,
      delegatedPermissions: c.delegatedPermissions,
    })),
    users: t.users.map((u) => ({ upn: u.upn, name: u.name, oid: u.oid, groups: u.groups.length, appRoles: u.appRoles })),
    keys: rt.keys.list().map((k) => ({ kid: k.kid, state: k.state, published: PUBLISHED_STATES.includes(k.state), createdAt: k.createdAt.toISOString() })),
    faults: state.faults.list().filter((f) => f.tenantId === t.id),
  };
}
