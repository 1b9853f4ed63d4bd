import { createHash, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { TenantConfigError } from './tenant-config-error.ts';
import { TenantFileSchema, type Client, type Tenant } from './tenant-schema.ts';

export const DEFAULT_TENANTS_DIR = fileURLToPath(new URL('../../fixtures/tenants/', import.meta.url));

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** A stable GUID-shaped id derived from text, for objects the tenant file does not name (service principals). */
export function derivedGuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\0')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Why a tenant file could not be read, in words (the gateway part's fileProblem says the same; parts do not import each other). */
function readProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  return e instanceof Error ? e.message : String(e);
}

export function loadTenantFile(file: string): Tenant {
  const shown = display(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TenantConfigError(shown, '', `cannot read the file: ${readProblem(e)}; give --tenants a tenant YAML file or a directory of them (fixtures/tenants/ holds examples)`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    throw new TenantConfigError(shown, '', `not valid YAML at line ${err.linePos?.[0].line ?? '?'}: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const parsed = TenantFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const extra = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    throw new TenantConfigError(shown, issuePath(issue.path), `${issue.message}${extra}`);
  }
  const t = parsed.data;
  const apiNames = new Set(t.apis.map((a) => a.name));
  const fail = (path: string, reason: string): never => {
    throw new TenantConfigError(shown, path, reason);
  };
  const unique = (kind: string, values: string[]) => {
    const seen = new Set<string>();
    values.forEach((v, i) => (seen.has(v) ? fail(`${kind}[${i}]`, `duplicate "${v}"`) : seen.add(v)));
  };
  unique('apis', t.apis.map((a) => a.name));
  unique('apis', t.apis.map((a) => a.appIdUri));
  unique('clients', t.clients.map((c) => c.name));
  unique('clients', t.clients.map((c) => c.clientId));
  unique('users', t.users.map((u) => u.upn.toLowerCase()));

  const checkPerApi = (path: string, map: Record<string, string[]>, allowed: (api: (typeof t.apis)[number]) => string[]) => {
    for (const [apiName, perms] of Object.entries(map)) {
      if (!apiNames.has(apiName)) fail(`${path}.${apiName}`, `unknown API "${apiName}" (define it under apis)`);
      const api = t.apis.find((a) => a.name === apiName)!;
      perms.forEach((p, i) => {
        if (!allowed(api).includes(p)) fail(`${path}.${apiName}[${i}]`, `"${p}" is not defined by API ${apiName}`);
      });
    }
  };
  const clients: Client[] = t.clients.map((c, i) => {
    checkPerApi(`clients[${i}].appRoles`, c.appRoles, (a) => a.appRoles);
    checkPerApi(`clients[${i}].delegatedPermissions`, c.delegatedPermissions, (a) => a.scopes);
    let certificatePem: string | undefined;
    if (c.certificate) {
      const certFile = resolve(dirname(file), c.certificate);
      try {
        certificatePem = new X509Certificate(readFileSync(certFile)).publicKey.export({ format: 'pem', type: 'spki' }).toString();
      } catch (e) {
        fail(`clients[${i}].certificate`, `cannot read a PEM certificate from ${display(certFile)} (${(e as Error).message})`);
      }
    }
    return { ...c, objectId: c.objectId ?? derivedGuid(t.tenant.id, 'sp', c.clientId), certificatePem };
  });
  t.users.forEach((u, i) => checkPerApi(`users[${i}].appRoles`, u.appRoles, (a) => a.appRoles));
  const identities = t.managedIdentities;
  identities.forEach((m, i) => checkPerApi(`managedIdentities[${i}].appRoles`, m.appRoles, (a) => a.appRoles));
  unique('managedIdentities', identities.map((m) => m.name));
  // Ids name one principal each across the tenant: a request's client_id must find one identity.
  unique('managedIdentities', identities.map((m) => m.clientId));
  unique('managedIdentities', identities.map((m) => m.principalId));
  unique('managedIdentities', identities.map((m) => m.resourceId.toLowerCase()));
  const clash = identities.findIndex((m) => t.clients.some((c) => c.clientId === m.clientId));
  if (clash >= 0) fail(`managedIdentities[${clash}].clientId`, `"${identities[clash].clientId}" is already a client's clientId`);
  const system = identities.map((m, i) => ({ m, i })).filter(({ m }) => m.type === 'system-assigned');
  if (system.length > 1) fail(`managedIdentities[${system[1].i}].type`, 'a host has at most one system-assigned identity');
  return { ...t.tenant, apis: t.apis, clients, users: t.users, managedIdentities: identities, source: shown };
}

/** Loads one tenant file, or every `*.yaml`/`*.yml` in a directory; names, ids and domains must not collide. */
export function loadTenants(path: string = DEFAULT_TENANTS_DIR): Tenant[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(path, f))
      : [path];
  } catch {
    throw new TenantConfigError(display(path), '', 'no such file or directory');
  }
  if (files.length === 0) throw new TenantConfigError(display(path), '', 'no tenant files (*.yaml) in this directory');
  const tenants = files.map(loadTenantFile);
  const seen = new Map<string, string>();
  for (const t of tenants) {
    for (const key of [t.name, t.id, t.domain]) {
      const other = seen.get(key);
      if (other) throw new TenantConfigError(t.source, 'tenant', `"${key}" is already used by ${other}`);
      seen.set(key, t.source);
    }
  }
  return tenants;
}
