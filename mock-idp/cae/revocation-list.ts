import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TenantRuntime } from '../tenant-runtime.ts';

/**
 * gatecheck's stand-in for continuous access evaluation's critical events. Entra tells CAE-enabled
 * resource providers (Exchange, SharePoint, Graph) that a user's sessions were revoked through an
 * internal channel no gateway can subscribe to. The mock publishes the same fact as a document a
 * gateway polls, cached like a JWKS: `Cache-Control: max-age` bounds how stale a copy may be, and an
 * `ETag` lets a poll that finds nothing new cost a 304.
 *
 * A token is revoked when it is CAE-capable (`xms_cc` holds `cp1`), its `tid` is `tenantId`, and an
 * entry names its `oid` (a user's revocation) or its `sid` (one session's) with a `notBefore` later
 * than its `iat`. A gateway refuses it with a claims challenge asking for a token issued from
 * `notBefore` on (Entra claims-challenge.md).
 */
export interface RevocationListDocument {
  about: string;
  tenantId: string;
  issuers: string[];
  /** What a claims challenge names as `authorization_uri`. */
  authorizationUri: string;
  maxAgeSeconds: number;
  revocations: { oid?: string; sid?: string; notBefore: number }[];
}

export function revocationListDocument(rt: TenantRuntime, maxAgeSeconds: number): RevocationListDocument {
  return {
    about: 'gatecheck mock-idp revocation list: a stand-in for Entra continuous access evaluation critical events, not an Entra API',
    tenantId: rt.tenant.id,
    issuers: [rt.issuers.v2, rt.issuers.v1],
    authorizationUri: rt.urls.authorizeV1,
    maxAgeSeconds,
    revocations: rt.revocations.list().map((r) => (r.oid ? { oid: r.oid, notBefore: r.notBefore } : { sid: r.sid!, notBefore: r.notBefore })),
  };
}

export function serveRevocationList(rt: TenantRuntime, maxAgeSeconds: number, req: IncomingMessage, res: ServerResponse): void {
  // The process's start time is part of the tag, so a restarted mock never matches a tag from before by chance.
  const etag = `"${rt.tenant.id}-${rt.revocations.version}-${startedAt}"`;
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': maxAgeSeconds > 0 ? `max-age=${maxAgeSeconds}` : 'no-cache',
    etag,
  };
  const match = req.headers['if-none-match'];
  if (typeof match === 'string' && match.split(',').map((t) => t.trim()).includes(etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  const text = JSON.stringify(revocationListDocument(rt, maxAgeSeconds));
  res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(req.method === 'HEAD' ? undefined : text);
}

const startedAt = Date.now().toString(36);
