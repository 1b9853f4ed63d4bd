import { HarnessError } from './harness-error.ts';
import { loadTargetProfile } from './load-target-profile.ts';
import type { RunTarget } from './run-target.ts';
import { ADAPTERS, CONTAINER_ADAPTERS, loadPolicyValues } from '../../gateway-under-test/index.ts';
import { startAdapterTarget } from './start-adapter-target.ts';
import { startEmbeddedReference } from './start-embedded-reference.ts';
import { startPolicyTarget } from './start-policy-target.ts';
import { startRemoteTarget } from './start-remote-target.ts';
import { didYouMean } from './did-you-mean.ts';

export interface TargetSpec {
  /** `reference` (default) or a gateway's http(s) URL. */
  target?: string;
  /** Profile file, required with a URL target. */
  profile?: string;
  /** A running mock IdP; otherwise one is started in process. */
  idp?: string;
  upstreamPort?: number;
  /** Real gateways: keep their logs here after stop. */
  logsDir?: string;
  /** An APIM or Apigee policy file to emulate instead of a target. */
  apimPolicy?: string;
  apigeePolicy?: string;
  /** YAML or JSON file with the values of the policy's named values and references. */
  policyValues?: string;
}

/** Names `--target` understands besides a URL: the embedded reference and every real-gateway adapter. */
export const TARGET_NAMES = ['reference', ...Object.keys(ADAPTERS), ...Object.keys(CONTAINER_ADAPTERS)];

/** `--target`/`--profile`/`--idp` → a started target. Bad input is a HarnessError with one clear line. */
export async function startTarget(spec: TargetSpec): Promise<RunTarget> {
  const name = spec.target ?? 'reference';
  const policy = spec.apimPolicy ?? spec.apigeePolicy;
  if (policy) {
    if (spec.apimPolicy && spec.apigeePolicy) throw new HarnessError('ERR_TARGET_POLICY', 'give one of --apim-policy and --apigee-policy');
    if (name !== 'reference' || spec.profile || spec.idp) {
      throw new HarnessError('ERR_TARGET_POLICY', 'a policy is emulated by the embedded reference gateway; --target, --profile and --idp do not apply');
    }
    const values = spec.policyValues === undefined ? undefined : await loadPolicyValues(spec.policyValues);
    return startPolicyTarget({ file: policy, kind: spec.apimPolicy ? 'apim' : 'apigee', values });
  }
  if (spec.policyValues !== undefined) throw new HarnessError('ERR_TARGET_POLICY', '--policy-values applies to a policy: give --apim-policy FILE or --apigee-policy FILE too');
  if (name === 'reference') {
    if (spec.profile) throw new HarnessError('ERR_TARGET_PROFILE', '--profile applies to a URL target; the reference gateway generates its own profile from its config');
    if (spec.idp) throw new HarnessError('ERR_UNKNOWN_TARGET', '--idp applies to a URL target; the embedded reference gateway starts its own mock IdP');
    return startEmbeddedReference();
  }
  if (Object.hasOwn(ADAPTERS, name) || Object.hasOwn(CONTAINER_ADAPTERS, name)) {
    if (spec.profile) throw new HarnessError('ERR_TARGET_PROFILE', `--profile applies to a URL target; ${name} declares its own profile`);
    if (spec.idp) throw new HarnessError('ERR_UNKNOWN_TARGET', `--idp applies to a URL target; ${name} starts its own HTTPS mock IdP`);
    return startAdapterTarget(name, { logsDir: spec.logsDir });
  }
  if (/^https?:\/\//i.test(name)) {
    if (!spec.profile) throw new HarnessError('ERR_TARGET_PROFILE', `--target ${name} needs --profile FILE describing what the gateway enforces (see README, "Testing your own gateway")`);
    const profile = await loadTargetProfile(spec.profile);
    return startRemoteTarget({ url: name, profile, idpUrl: spec.idp, upstreamPort: spec.upstreamPort });
  }
  throw new HarnessError('ERR_UNKNOWN_TARGET', `unknown target "${name}"${didYouMean(name, TARGET_NAMES)}; use one of ${TARGET_NAMES.join(', ')} or an http(s) URL with --profile`);
}
