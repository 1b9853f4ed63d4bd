import { startReferenceGateway, targetFromPolicy, type PolicyTarget, type PolicyValues } from '../../gateway-under-test/index.ts';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { issuerMatches } from './contract/baseline-for.ts';
import { startEchoUpstream } from './echo-upstream.ts';
import { HarnessError } from './harness-error.ts';
import { idpDriver } from './idp-driver.ts';
import type { RunTarget } from './run-target.ts';

export interface PolicyTargetOptions {
  file: string;
  kind: 'apim' | 'apigee';
  /** What the policy's named values and references stand for (`--policy-values`). */
  values?: PolicyValues;
}

/**
 * A platform team's APIM or Apigee policy, emulated by the reference gateway in front of the mock IdP
 * (which stands in for login.microsoftonline.com), so the suite shows what the policy as written lets
 * through. Checks the emulation cannot reproduce are listed on the target, never silently passed. A
 * policy that trusts only issuers or keys the mock never uses is refused before any case runs: the
 * suite could send it no token it accepts, and every refusal would be blamed on the policy.
 */
export async function startPolicyTarget({ file, kind, values }: PolicyTargetOptions): Promise<RunTarget> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const idp = await createMockIdp({ port: 0 });
    stops.push(() => idp.close());
    const upstream = await startEchoUpstream();
    stops.push(() => upstream.close());
    const policy = await targetFromPolicy(file, { upstreamUrl: upstream.url, authority: idp.url, values });
    if (policy.emulation.kind !== kind) {
      throw new HarnessError('ERR_TARGET_POLICY', `${file} is an ${policy.emulation.kind === 'apim' ? 'APIM' : 'Apigee'} policy; use --${policy.emulation.kind}-policy`);
    }
    await refuseForeignTrust(policy, idp, file);
    const gateway = await startReferenceGateway({
      ...policy.config,
      listen: { host: '127.0.0.1', port: 0 },
      admin: false,
      exposeReason: true,
      log: { level: 'silent', accessLog: false },
    });
    stops.push(() => gateway.stop());
    // Keys come from the mock at run time only when the policy names an openid-config or JWKS URL.
    const fetchesKeys = gateway.profile.issuers.some((i) => i.keySource !== 'static');
    // With a key every keyed route accepts, the harness sends it on every request: those routes are then
    // as reachable as any other, and cases walk them (the harness skips routes whose key it cannot send).
    const subscriptionKey = subscriptionKeyOf(policy);
    const routes = subscriptionKey ? policy.profile.routes.map(({ product: _product, ...r }) => r) : policy.profile.routes;
    return {
      name: `${kind}-policy`,
      baseUrl: gateway.url,
      // The routes as promised: an APIOps operation that drops the API's validation is served without it
      // but judged with it (emulation.contract), so what reaches the backend through it shows as failures.
      profile: { ...gateway.profile, routes, features: [...gateway.profile.features, ...(fetchesKeys ? ['idp-faults', 'key-rotation'] : [])] },
      idp: idpDriver(idp, 'contoso'),
      upstream,
      ...(subscriptionKey ? { subscriptionKey } : {}),
      notEmulated: policy.emulation.diagnostics.filter((d) => d.checks?.length).map((d) => ({ checks: d.checks!, message: d.message, file: d.file, line: d.line })),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** A key every keyed route of the emulation accepts (the first such), to send as a subscribed client; none when no key fits them all. */
function subscriptionKeyOf(policy: PolicyTarget): { header: string; key: string } | undefined {
  const subs = policy.config.subscriptions;
  if (!subs) return undefined;
  const key = subs.products[0].keys.find((k) => subs.products.every((p) => p.keys.includes(k)));
  return key === undefined ? undefined : { header: subs.header ?? 'Ocp-Apim-Subscription-Key', key };
}

/** The issuer's and keys' lines in the policy, for the refusal. */
function trustLines(policy: PolicyTarget, file: string): { file: string; issuer: number; keys: number } {
  const p = policy.emulation.policy;
  // A bundle's VerifyJWT names its own file under apiproxy/policies/, which its lines count in.
  if (p.kind === 'apigee') return { file: p.file || file, issuer: p.issuer?.line ?? p.line, keys: p.publicKey?.line ?? p.line };
  const v = p.validations[0];
  const keys = v.kind === 'validate-jwt' ? (v.signingKeys[0]?.line ?? v.line) : v.line;
  // In a folder's composed policy the validation names its own file (the API's policy.xml, say).
  return { file: v.file, issuer: v.kind === 'validate-jwt' ? (v.issuersLine ?? v.line) : v.line, keys };
}

async function refuseForeignTrust(policy: PolicyTarget, idp: MockIdp, file: string): Promise<void> {
  const issuers = policy.config.issuers;
  const lines = trustLines(policy, file);
  const writes = idp.tenants.flatMap((t) => [t.issuer, t.issuerV1]);
  const trusted = issuers.filter((i) => writes.some((w) => issuerMatches(i.issuer, w, i.tenants)));
  if (trusted.length === 0) {
    throw new HarnessError(
      'ERR_TARGET_POLICY',
      `${lines.file}:${lines.issuer}: the policy trusts only ${issuers.map((i) => i.issuer).join(', ')}, an issuer the mock IdP (standing in for login.microsoftonline.com and sts.windows.net) never writes, so the suite can send no token it accepts; name Entra's issuer for your tenant, or give the value of a named value or variable with --policy-values`,
    );
  }
  // Static keys (n/e, a PEM, an inline JWKS) verify the mock's tokens only if they are its keys.
  if (trusted.every((i) => i.keys)) {
    const published = new Set<string>();
    for (const t of idp.tenants) {
      const res = await fetch(t.jwksUri, { signal: AbortSignal.timeout(5000) });
      for (const k of ((await res.json()) as { keys: { n?: string; x?: string }[] }).keys) published.add(k.n ?? k.x ?? '');
    }
    const ours = trusted.some((i) => i.keys!.some((k) => published.has(String(k.n ?? k.x ?? ''))));
    if (!ours) {
      throw new HarnessError(
        'ERR_TARGET_POLICY',
        `${lines.file}:${lines.keys}: the policy's keys are not keys the mock IdP signs with, so the suite can send no token they verify; trust the IdP's openid-config or JWKS URL instead of static keys`,
      );
    }
  }
}
