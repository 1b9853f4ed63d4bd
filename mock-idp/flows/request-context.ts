import type { IncomingMessage } from 'node:http';
import type { ClaimsRequest } from './claims-request.ts';

/**
 * What the mock's front learned about a protocol request before handing it to oidc-provider, which
 * knows neither Entra's v1 endpoints nor the `claims` parameter at its token endpoint.
 */
export interface RequestContext {
  /** 1 for `/oauth2/token` and `/oauth2/authorize`, 2 for the `/v2.0/` endpoints. */
  endpointVersion: 1 | 2;
  /** The v1 `resource` parameter exactly as the client sent it (v1 tokens carry it back as `aud`). */
  resource?: string;
  claims?: ClaimsRequest;
  /** MSAL's `client_info=1`: the response then carries `client_info` (uid and utid of the user). */
  clientInfo: boolean;
}

const contexts = new WeakMap<IncomingMessage, RequestContext>();

export function setRequestContext(req: IncomingMessage, context: RequestContext): void {
  contexts.set(req, context);
}

export function requestContext(req: IncomingMessage | undefined): RequestContext | undefined {
  return req ? contexts.get(req) : undefined;
}
