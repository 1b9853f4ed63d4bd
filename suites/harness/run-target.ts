import type { PolicyCheck, TargetProfile } from '../../gateway-under-test/index.ts';
import type { EchoUpstream } from './echo-upstream.ts';
import type { IdpDriver } from './idp-driver.ts';

/**
 * A gateway ready to be tested, with everything around it the harness talks to: the IdP it trusts
 * (to mint and to fault), the echo upstream it forwards to (to see what got through), and the profile
 * the expectations are computed from.
 */
export interface RunTarget {
  name: string;
  baseUrl: string;
  profile: TargetProfile;
  idp: IdpDriver;
  upstream: EchoUpstream;
  /** The gateway's own log lines (real gateways), read into the report before the target stops. */
  logs?: () => string[];
  /**
   * An emulated policy's constructs gatecheck cannot reproduce, each with the checks it affects: cases
   * depending on one are skipped naming it, since their verdict would describe the emulation.
   */
  notEmulated?: { checks: PolicyCheck[]; message: string; file: string; line: number }[];
  /**
   * A subscription key the emulated target requires (an APIOps folder's `subscriptionRequired` API, an
   * Apigee VerifyAPIKey), from the values file: sent with every request the harness builds, as a
   * subscribed client sends it, so the cases judge the token handling behind the key.
   */
  subscriptionKey?: { header: string; key: string };
  /** Set when the target cannot run here (a container target without a Docker engine): every case is skipped with this reason. */
  unavailable?: string;
  /** Stops whatever this target started (never a server it was only pointed at). */
  stop(): Promise<void>;
}
