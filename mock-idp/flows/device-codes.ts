import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { EntraFailure } from '../entra/entra-error.ts';
import type { TenantRuntime } from '../tenant-runtime.ts';
import { delegatedRequest, resourceScope } from './resources.ts';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** How the device code flow behaves; Entra's codes live 15 minutes and clients poll every 5 seconds (v2-oauth2-device-code.md). */
export interface DeviceCodeSettings {
  intervalSeconds: number;
  lifetimeSeconds: number;
}

export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'redeemed' | 'expired';

interface Entry {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  issuedAt: number;
  expiresAt: number;
  lastPollAt?: number;
  status: Exclude<DeviceCodeStatus, 'expired'>;
  user?: string;
  /** Why the sign-in failed (e.g. no consent): the device hears it on its next poll. */
  refusal?: EntraFailure;
}

/** What the control API shows of a device code: never the device code itself, which is the client's credential. */
export interface DeviceCodeView {
  userCode: string;
  clientId: string;
  scope: string;
  issuedAt: string;
  expiresAt: string;
  status: DeviceCodeStatus;
  user?: string;
}

/** Codes that ended are kept this long, so the control API can still say what happened to them. */
const KEEP_ENDED_MS = 10 * 60_000;

/**
 * The device codes one tenant handed out, beside oidc-provider's own store: what the control API lists
 * and approves, how fast each client polls (RFC 8628 §3.5 `slow_down`), and when a code expired, which
 * the provider's store stops knowing once it drops the code.
 */
export class DeviceCodeBook {
  readonly settings: DeviceCodeSettings;
  #entries = new Map<string, Entry>();
  #provider: (() => Promise<Provider>) | undefined;

  constructor(settings: DeviceCodeSettings) {
    this.settings = settings;
  }

  /** The router tells the book where the tenant's current provider is (it is rebuilt when keys change). */
  attach(provider: () => Promise<Provider>): void {
    this.#provider = provider;
  }

  record(entry: Omit<Entry, 'status' | 'issuedAt'>): void {
    this.#prune();
    this.#entries.set(entry.deviceCode, { ...entry, issuedAt: Date.now(), status: 'pending' });
  }

  list(): DeviceCodeView[] {
    this.#prune();
    return [...this.#entries.values()].map(view);
  }

  find(userCode: string): Entry | undefined {
    const normalized = normalizeUserCode(userCode);
    return [...this.#entries.values()].find((e) => normalizeUserCode(e.userCode) === normalized);
  }

  /**
   * Judges a poll before the provider sees it: an expired code gets `expired_token`, a poll sooner than
   * the interval `slow_down`. Undefined lets the provider answer (pending, tokens, or unknown code).
   */
  poll(deviceCode: string, now = Date.now()): EntraFailure | undefined {
    const entry = this.#entries.get(deviceCode);
    if (!entry) return undefined;
    if (now >= entry.expiresAt && entry.status !== 'redeemed') {
      return {
        code: 70020,
        error: 'expired_token',
        description: "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
      };
    }
    if (entry.refusal) return entry.refusal;
    const last = entry.lastPollAt;
    entry.lastPollAt = now;
    // A little slack: a client that waits the interval after the previous answer arrives a few ms early at worst.
    if (last !== undefined && entry.status === 'pending' && now - last < this.settings.intervalSeconds * 1000 - 200) {
      return {
        code: 70016,
        error: 'slow_down',
        description: `The provided request has not yet been authorized by the user, and the client polls faster than the interval of ${this.settings.intervalSeconds} seconds; poll 5 seconds more slowly (RFC 8628 section 3.5).`,
      };
    }
    return undefined;
  }

  redeemed(deviceCode: string): void {
    const entry = this.#entries.get(deviceCode);
    if (entry) entry.status = 'redeemed';
  }

  /** Signs `upn` in on the device code's behalf and consents to what its client may be granted (the headless browser step). */
  async approve(runtime: TenantRuntime, userCode: string, upn: string): Promise<{ view: DeviceCodeView } | { status: number; failure: EntraFailure }> {
    const found = await this.#open(userCode);
    if (!('entry' in found)) return found;
    const { entry, code } = found;
    const want = upn.trim().toLowerCase();
    const user = runtime.tenant.users.find((u) => u.upn.toLowerCase() === want || u.oid === want);
    if (!user) {
      return { status: 404, failure: { code: 50034, error: 'invalid_request', description: `The user account ${upn} does not exist in the ${runtime.tenant.domain} directory.` } };
    }
    const client = runtime.tenant.clients.find((c) => c.clientId === entry.clientId)!;
    const params = code.params as { scope?: string; resource?: string };
    const asked = delegatedRequest(runtime.tenant, client, params.scope ?? entry.scope);
    if ('failure' in asked) {
      // The user cannot consent for the organisation: the device hears the same refusal when it next polls.
      Object.assign(code, { error: 'access_denied', errorDescription: asked.failure.description });
      await code.save();
      entry.status = 'denied';
      entry.refusal = asked.failure;
      return { status: 400, failure: asked.failure };
    }
    const { oidc, resource, permissions } = asked.request;
    const provider = await this.#provider!();
    const grant = new provider.Grant({ accountId: user.oid, clientId: client.clientId });
    if (oidc.length) grant.addOIDCScope(oidc.join(' '));
    const resourceScopes = resource ? permissions.map((p) => resourceScope(resource, p)) : [];
    if (resource) grant.addResourceScope(resource, resourceScopes.join(' '));
    Object.assign(code, {
      accountId: user.oid,
      grantId: await grant.save(),
      scope: [...oidc, ...resourceScopes].join(' '),
      ...(resource ? { resource } : {}),
      authTime: Math.floor(Date.now() / 1000),
      acr: '1',
      amr: ['pwd'],
    });
    await code.save();
    entry.status = 'approved';
    entry.user = user.upn;
    return { view: view(entry) };
  }

  /** The user declines on the other device: the next poll answers `authorization_declined`. */
  async deny(userCode: string): Promise<{ view: DeviceCodeView } | { status: number; failure: EntraFailure }> {
    const found = await this.#open(userCode);
    if (!('entry' in found)) return found;
    Object.assign(found.code, { error: 'access_denied', errorDescription: 'The end user denied the authorization request.' });
    await found.code.save();
    found.entry.status = 'denied';
    return { view: view(found.entry) };
  }

  async #open(userCode: string): Promise<{ entry: Entry; code: InstanceType<Provider['DeviceCode']> } | { status: number; failure: EntraFailure }> {
    const entry = this.find(userCode);
    const provider = this.#provider ? await this.#provider() : undefined;
    const code = entry && provider ? await provider.DeviceCode.findByUserCode(normalizeUserCode(entry.userCode), { ignoreExpiration: true }) : undefined;
    if (!entry || !code) {
      return { status: 404, failure: { code: 70018, error: 'bad_verification_code', description: `The user code ${userCode} was not recognized: no device code of this tenant has it.` } };
    }
    if (code.isExpired || Date.now() >= entry.expiresAt) {
      return { status: 400, failure: { code: 70020, error: 'expired_token', description: 'This device code has expired; the device must start over.' } };
    }
    if (code.accountId || code.error) {
      return { status: 409, failure: { code: 90120, error: 'invalid_request', description: 'The request was already authorized or declined.' } };
    }
    return { entry, code };
  }

  #prune(now = Date.now()): void {
    for (const [key, e] of this.#entries) {
      if (now > e.expiresAt + KEEP_ENDED_MS) this.#entries.delete(key);
    }
  }
}

function view(e: Entry): DeviceCodeView {
  const expired = e.status === 'pending' && Date.now() >= e.expiresAt;
  return {
    userCode: e.userCode,
    clientId: e.clientId,
    scope: e.scope,
    issuedAt: new Date(e.issuedAt).toISOString(),
    expiresAt: new Date(e.expiresAt).toISOString(),
    status: expired ? 'expired' : e.status,
    ...(e.user ? { user: e.user } : {}),
  };
}

/** oidc-provider's normalisation of user codes: upper case, no separators. */
function normalizeUserCode(code: string): string {
  return code.toUpperCase().replace(/\W/g, '');
}

const books = new WeakMap<TenantRuntime, DeviceCodeBook>();

/** The tenant's book; the settings apply when it is first created (the router does that at start). */
export function deviceCodeBook(runtime: TenantRuntime, settings: DeviceCodeSettings = { intervalSeconds: 5, lifetimeSeconds: 900 }): DeviceCodeBook {
  let book = books.get(runtime);
  if (!book) {
    book = new DeviceCodeBook(settings);
    books.set(runtime, book);
  }
  return book;
}

/** Entra's device authorization answer: no `verification_uri_complete`, plus `interval` and `message`. */
export function entraDeviceAuthorization(body: Record<string, unknown>, intervalSeconds: number): Record<string, unknown> {
  const { device_code, user_code, verification_uri, expires_in } = body;
  return {
    user_code,
    device_code,
    verification_uri,
    expires_in,
    interval: intervalSeconds,
    message: `To sign in, use a web browser to open the page ${String(verification_uri)} and enter the code ${String(user_code)} to authenticate.`,
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/**
 * The pages a person sees at `verification_uri` (oidc-provider renders the forms; these wrap them
 * without loading anything from elsewhere). After the code, the mock's usual sign-in page lists the users.
 */
export const deviceFlowPages = {
  userCodeInputSource: async (ctx: KoaContextWithOIDC, form: string, _out?: unknown, err?: { userCode?: string; name?: string }) => {
    const note = err ? '<p>The code you entered is not valid, or it expired. Try again.</p>' : '<p>Enter the code your device shows.</p>';
    ctx.body = page('Sign in on another device', `${note}${form}<button type="submit" form="op.deviceInputForm">Next</button>`);
  },
  userCodeConfirmSource: async (ctx: KoaContextWithOIDC, form: string, client: { clientId: string }, _info: unknown, userCode: string) => {
    ctx.body = page(
      'Confirm the device',
      `<p>Application <strong>${escapeHtml(client.clientId)}</strong> asks to sign you in on a device showing <code>${escapeHtml(userCode)}</code>.</p>${form}<button type="submit" form="op.deviceConfirmForm">Continue</button> <button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">Cancel</button>`,
    );
  },
  successSource: async (ctx: KoaContextWithOIDC) => {
    ctx.body = page('You are signed in', `<p>You signed in to application ${escapeHtml(ctx.oidc.client?.clientId ?? '')} on your device. You can close this window.</p>`);
  },
};
