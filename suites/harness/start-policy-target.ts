import { startReferenceGateway, targetFromPolicy } from '../../gateway-under-test/index.ts';
import { createMockIdp } from '../../mock-idp/index.ts';
import { startEchoUpstream } from './echo-upstream.ts';
import { HarnessError } from './harness-error.ts';
import { idpDriver } from './idp-driver.ts';
import type { RunTarget } from './run-target.ts';

export interface PolicyTargetOptions {
  file: string;
  kind: 'apim' | 'apigee';
}

/**
 * A platform team's APIM or Apigee policy, emulated by the reference gateway in front of the mock IdP
 * (which stands in for login.microsoftonline.com), so the suite shows what the policy as written lets
 * through. Checks the emulation cannot reproduce are listed on the target, never silently passed.
 */
export async function startPolicyTarget({ file, kind }: PolicyTargetOptions): Promise<RunTarget> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const idp = await createMockIdp({ port: 0 });
    stops.push(() => idp.close());
    const upstream = await startEchoUpstream();
    stops.push(() => upstream.close());
    const policy = await targetFromPolicy(file, { upstreamUrl: upstream.url, authority: idp.url });
    if (policy.emulation.kind !== kind) {
      throw new HarnessError('ERR_TARGET_POLICY', `${file} is an ${policy.emulation.kind === 'apim' ? 'APIM' : 'Apigee'} policy; use --${policy.emulation.kind}-policy`);
    }
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
    return {
      name: `${kind}-policy`,
      baseUrl: gateway.url,
      profile: { ...gateway.profile, features: [...gateway.profile.features, ...(fetchesKeys ? ['idp-faults', 'key-rotation'] : [])] },
      idp: idpDriver(idp, 'contoso'),
      upstream,
      notEmulated: policy.emulation.diagnostics.filter((d) => d.checks?.length).map((d) => ({ checks: d.checks!, message: d.message, file: d.file, line: d.line })),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
