import { expect } from 'vitest';

/** The contoso ids the flow tests use (fixtures/tenants/contoso.yaml). */
export const CONTOSO = {
  id: '7e5b2c3a-1f4d-4c8e-9a6b-2d3e4f5a6b7c',
  ordersApi: '5d1f7a3e-9b2c-4e6f-8a1d-0c3b5e7f9a2b',
  legacyApi: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  daemon: { id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', secret: 'demo-secret-not-for-production' },
  storefront: { id: '3e8f1a6c-7b2d-4c9e-8f0a-5d6c7b8a9e1f', secret: 'demo-secret-not-for-production', redirect: 'http://127.0.0.1/storefront/callback' },
  cli: '8c1d3e5f-7a9b-4c2d-9e4f-6a8b0c2d4e6f',
  web: { id: '4a6c8e0b-2d4f-4e6a-8b0c-1d3f5a7c9e2b', redirect: 'http://127.0.0.1/callback' },
  alice: { upn: 'alice@contoso.example', oid: '1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b', password: 'alice-demo-password' },
} as const;

export interface JsonResponse {
  status: number;
  // Response bodies are checked field by field; `any` keeps those assertions readable.
  body: any;
}

/** POSTs a form to `{base}/{tenant}{path}` and reads the JSON answer. */
export async function postForm(base: string, path: string, params: Record<string, string>): Promise<JsonResponse> {
  const res = await fetch(`${base}/${CONTOSO.id}${path}`, { method: 'POST', body: new URLSearchParams(params) });
  return { status: res.status, body: await res.json() };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Entra's error shape (reference-error-codes.md): error, the AADSTS code first in the description, codes, ids, time, lookup URL. */
export function expectEntraError(res: JsonResponse, status: number, error: string, code: number): void {
  expect({ status: res.status, error: res.body.error, error_codes: res.body.error_codes }).toEqual({ status, error, error_codes: [code] });
  expect(res.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(res.body.error_uri).toBe(`https://login.microsoftonline.com/error?code=${code}`);
  expect(res.body.trace_id).toMatch(GUID);
  expect(res.body.correlation_id).toMatch(GUID);
  expect(res.body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
}

/** A browser's part of a sign-in: follows redirects with a cookie jar and submits the forms of the pages it meets. */
export class Browser {
  #jar = new Map<string, string>();

  async go(url: string | URL, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; location?: URL; html: string; url: URL }> {
    const target = new URL(url);
    const res = await fetch(target, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        cookie: [...this.#jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form) : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.#jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const location = res.headers.get('location');
    return { status: res.status, location: location ? new URL(location, target) : undefined, html: await res.text(), url: target };
  }

  /** Follows redirects from `url` until a page answers (or the URL starts with `stopAt`). */
  async follow(url: string | URL, stopAt?: string): Promise<{ html: string; url: URL }> {
    let page = await this.go(url);
    for (let hop = 0; hop < 12 && page.location; hop++) {
      if (stopAt && page.location.href.startsWith(stopAt)) return { html: '', url: page.location };
      page = await this.go(page.location);
    }
    return page;
  }

  /** Submits the page's first form with its hidden inputs plus `fields`. */
  async submit(html: string, fields: Record<string, string> = {}): Promise<{ html: string; url: URL; location?: URL }> {
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form on the page: ${html.slice(0, 200)}`);
    const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    return this.go(action.replace(/&amp;/g, '&'), { form: { ...hidden, ...fields } });
  }
}
