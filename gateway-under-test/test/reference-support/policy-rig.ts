import { afterAll, beforeAll } from 'vitest';
import { createMockIdp, type MockIdp } from '../../../mock-idp/index.ts';
import { startReferenceGateway, type GatewayConfigInput, type ReferenceGateway } from '../../index.ts';
import { startEchoUpstream, type EchoUpstream } from './echo-upstream.ts';

/** What an end-to-end policy test runs against: the mock IdP standing in for Entra and an echo upstream. */
export interface PolicyRig {
  /** Set once the enclosing suite's beforeAll has run. */
  readonly idp: MockIdp;
  readonly upstream: EchoUpstream;
  /** Starts the reference gateway on an emulation's config (any free loopback port, no admin, reasons exposed, quiet). */
  serve(config: GatewayConfigInput): Promise<ReferenceGateway>;
}

/**
 * Registers the rig's start and stop with the enclosing suite (the file, or the describe it is called
 * in) and stops every gateway it served after the suite.
 */
export function policyRig(): PolicyRig {
  let idp: MockIdp | undefined;
  let upstream: EchoUpstream | undefined;
  const gateways: ReferenceGateway[] = [];
  beforeAll(async () => {
    idp = await createMockIdp({ port: 0 });
    upstream = await startEchoUpstream();
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await upstream?.close();
    await idp?.close();
  });
  const ready = <T>(part: T | undefined, name: string): T => {
    if (part === undefined) throw new Error(`policy rig: the ${name} is not started yet (use it inside a test or hook)`);
    return part;
  };
  return {
    get idp() {
      return ready(idp, 'mock IdP');
    },
    get upstream() {
      return ready(upstream, 'echo upstream');
    },
    async serve(config) {
      const g = await startReferenceGateway({ ...config, listen: { host: '127.0.0.1', port: 0 }, admin: false, exposeReason: true, log: { level: 'silent', accessLog: false } });
      gateways.push(g);
      return g;
    },
  };
}
