import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { TenantRuntime } from './tenant-runtime.ts';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The headless sign-in: the user named by `login_hint` (upn or object id) signs in without a form and
 * consents to what the client was granted. Without a hint, a page lists the tenant's users as links.
 */
export async function handleInteraction(
  provider: Provider,
  runtime: TenantRuntime,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { tenant } = runtime;
  const details = await provider.interactionDetails(req, res);
  const url = new URL(req.url ?? '/', 'http://local');
  const hint = (url.searchParams.get('login_hint') ?? String(details.params.login_hint ?? '')).trim().toLowerCase();
  const client = tenant.clients.find((c) => c.clientId === details.params.client_id);

  if (details.prompt.name === 'login') {
    if (!hint) {
      const items = tenant.users
        .map((u) => `<li><a href="?login_hint=${encodeURIComponent(u.upn)}">${escapeHtml(u.name)} (${escapeHtml(u.upn)})</a></li>`)
        .join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><title>Sign in to ${escapeHtml(tenant.domain)}</title><h1>Pick an account</h1><ul>${items}</ul>`);
      return;
    }
    const user = tenant.users.find((u) => u.upn.toLowerCase() === hint || u.oid === hint);
    if (!user) {
      await provider.interactionFinished(req, res, {
        error: 'invalid_request',
        error_description: `AADSTS50034: The user account ${hint} does not exist in the ${tenant.domain} directory.`,
      }, { mergeWithLastSubmission: false });
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.oid } }, { mergeWithLastSubmission: false });
    return;
  }

  // consent: grant what was asked for, but only delegated permissions the client was consented to.
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const grant = details.grantId
    ? (await provider.Grant.find(details.grantId))!
    : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
    const api = tenant.apis.find((a) => indicator.replace(/\/$/, '') === a.appIdUri || indicator.endsWith(a.appId));
    const consented = new Set(api && client ? client.delegatedPermissions[api.name] ?? [] : []);
    const denied = scopes.filter((s) => !consented.has(s.slice(s.lastIndexOf('/') + 1)));
    if (denied.length) {
      await provider.interactionFinished(req, res, {
        error: 'consent_required',
        error_description: `AADSTS65001: The user or administrator has not consented to use the application with ID '${details.params.client_id}'. Send an interactive authorization request for this user and resource. Missing: ${denied.join(' ')}`,
      }, { mergeWithLastSubmission: false });
      return;
    }
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}
