import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileProblem } from '../../file-problem.ts';
import type { TargetProfile } from '../../target.ts';
import { parseGatewayConfig, type GatewayConfig } from '../config.ts';
import { profileFromConfig } from '../profile-from-config.ts';
import { emulateApigeeBundle } from './emulate-apigee-bundle.ts';
import { emulateApimFolder } from './emulate-apim-folder.ts';
import { emulatePolicy, type EmulateOptions, type Emulation } from './emulate-policy.ts';
import { PolicyError } from './policy-error.ts';
import { isApigeeBundle } from './read-apigee-bundle.ts';

export interface PolicyTarget {
  config: GatewayConfig;
  profile: TargetProfile;
  emulation: Emulation;
}

/**
 * A policy file (or an APIOps-extracted folder, or an exported Apigee proxy as a folder or .zip) as a reference-gateway config and target profile, for `gatecheck gateway
 * --apim-policy` and `gatecheck run --apim-policy`: the profile says what the policy enforces, the
 * emulation's `notEmulated` which checks' verdicts don't speak for the real gateway.
 */
export async function targetFromPolicy(file: string, options: Omit<EmulateOptions, 'file'>): Promise<PolicyTarget> {
  let emulation: Emulation;
  // An exported Apigee proxy: a .zip, or a folder holding apiproxy/.
  if (isApigeeBundle(file)) {
    emulation = await emulateApigeeBundle(file, options);
  } else if (existsSync(file) && statSync(file).isDirectory()) {
    emulation = await emulateApimFolder(file, options);
  } else {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new PolicyError('ERR_POLICY_XML', file, 0, `cannot read the policy: ${fileProblem(file, err)}; give the path of an APIM or Apigee policy XML file`);
    }
    emulation = await emulatePolicy(text, { ...options, file });
  }
  const config = parseGatewayConfig(emulation.config);
  const profile = profileFromConfig(emulation.contract ? parseGatewayConfig(emulation.contract) : config, `${emulation.kind}-policy`);
  return { config, profile, emulation };
}
