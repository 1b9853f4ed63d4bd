import type { TargetProfile } from '../target.ts';

/**
 * What every real-gateway adapter is given. Plain values only: gateway-under-test never imports the
 * mock IdP or the suites, so whoever starts the mock turns it into these.
 */
export interface AdapterInput {
  /** Plain-HTTP upstream accepted requests go to (the echo upstream). */
  upstream: string;
  issuer: string;
  audience: string;
  /** https JWKS URL (mod_auth_openidc refuses http). */
  jwksUri: string;
  /** PEM CA bundle that signed the JWKS server's certificate. */
  caFile: string;
  /** SPKI PEM of every published signing key, for gateways without JWKS support (HAProxy). */
  publicKeyPems: string[];
  /** Keep the gateway's logs here after stop(); default: a temp dir removed on stop(). */
  logsDir?: string;
  /** Overrides the binary found on PATH. */
  binary?: string;
}

export interface StartedAdapter {
  url: string;
  pid: number;
  port: number;
  /** What this gateway was configured to enforce: the suite computes expectations from it. */
  profile: TargetProfile;
  /** The tail of the gateway's own logs, for the report. */
  logs(): string[];
  /** Stops the process group, waits until the port is closed. Idempotent. */
  stop(): Promise<void>;
}

export interface GatewayAdapter {
  name: string;
  /** The peer binary it needs, for skip-or-fail decisions (GATECHECK_REQUIRE_PEERS). */
  binary: string;
  /** Files besides the binary (an Apache module) the adapter needs. */
  requiredFiles: string[];
  /** npm packages (devDependencies) the gateway's server loads, for the same skip-or-fail decision. */
  requiredPackages?: string[];
  /** The profile this adapter enforces for `input`; its config is generated from it. */
  profile(input: AdapterInput): TargetProfile;
  start(input: AdapterInput): Promise<StartedAdapter>;
}
