import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { K6_VERSION_NOTE } from './k6-version.ts';
import { LoadInputError } from './load-input-error.ts';
import type { LoadPlan } from './load-plan.ts';
import type { TokenPoolFile } from './mint-pool.ts';

export const K6_SCRIPT = fileURLToPath(new URL('../k6/gatecheck-scenario.ts', import.meta.url));
const SCRIPT_NAME = 'gatecheck-scenario.ts';
// Kubernetes refuses ConfigMaps over 1 MiB (etcd's object limit).
const CONFIGMAP_LIMIT = 1024 * 1024;

export interface K6OperatorOptions {
  planFile: string;
  /** Kubernetes object name (DNS label); default gatecheck-<scenario>. */
  name?: string;
  namespace?: string;
  /** k6 runner pods; k6-operator splits the scenario between them with execution segments. */
  parallelism?: number;
  /** In-cluster URLs replace the loopback ones the local plan was made for. */
  targetUrl?: string;
  idpUrl?: string;
}

/**
 * When the first token a gateway should accept expires: the plan's tokens are minted once, so a
 * manifest applied later than this measures refusals, not the gateway.
 */
export function planExpiry(planFile: string): string | undefined {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as LoadPlan;
  const ends = plan.pools
    .filter((p) => p.expect === 'accept')
    .map((p) => (JSON.parse(readFileSync(join(dirname(planFile), p.file), 'utf8')) as TokenPoolFile).expiresAt)
    .filter((e): e is string => typeof e === 'string')
    .sort();
  return ends[0];
}

/**
 * A k6-operator `TestRun` and the ConfigMap it runs from (the script, plan.json and the pools),
 * as one multi-document YAML for `kubectl apply -f`. The operator mounts the ConfigMap at /test.
 * Its URLs are the ones given (or the plan's): the caller makes sure the pods can reach them.
 */
export function k6OperatorManifest(options: K6OperatorOptions): string {
  const plan = JSON.parse(readFileSync(options.planFile, 'utf8')) as LoadPlan;
  const name = options.name ?? `gatecheck-${plan.scenario.name}`;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) throw new LoadInputError('ERR_K6_MANIFEST', `name "${name}" is not a Kubernetes DNS label`);
  const inCluster: LoadPlan = {
    ...plan,
    targetUrl: (options.targetUrl ?? plan.targetUrl).replace(/\/$/, ''),
    ...(plan.control || options.idpUrl ? { control: { ...plan.control, idpUrl: (options.idpUrl ?? plan.control!.idpUrl).replace(/\/$/, '') } } : {}),
  };
  const data: Record<string, string> = {
    [SCRIPT_NAME]: readFileSync(K6_SCRIPT, 'utf8'),
    'plan.json': JSON.stringify(inCluster, null, 2),
  };
  for (const pool of plan.pools) data[pool.file] = readFileSync(join(dirname(options.planFile), pool.file), 'utf8');
  const size = Object.values(data).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  if (size > CONFIGMAP_LIMIT) {
    throw new LoadInputError('ERR_K6_MANIFEST', `script, plan and pools are ${(size / 1048576).toFixed(1)} MiB; a ConfigMap holds at most 1 MiB: use smaller pools (about 600 tokens per MiB)`);
  }
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(options.namespace ? { namespace: options.namespace } : {}) }, data };
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name, ...(options.namespace ? { namespace: options.namespace } : {}) },
    spec: {
      parallelism: options.parallelism ?? 1,
      script: { configMap: { name, file: SCRIPT_NAME } },
      arguments: `-e GATECHECK_PLAN=/test/plan.json -e GATECHECK_SUMMARY=/tmp/k6-summary.json`,
    },
  };
  const expiry = planExpiry(options.planFile);
  const header = [
    `# gatecheck load ${plan.scenario.name} against ${inCluster.targetUrl}: kubectl apply -f this file where k6-operator runs.`,
    `# ${K6_VERSION_NOTE}; the TestRun's runner image decides the k6 version.`,
    ...(expiry ? [`# The tokens a gateway should accept expire at ${expiry}: apply before then, or generate the manifest again.`] : []),
  ];
  return `${header.join('\n')}\n${stringify(configMap, { lineWidth: 0 })}---\n${stringify(testRun)}`;
}
