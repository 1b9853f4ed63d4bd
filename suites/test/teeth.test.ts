import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AUDIENCE } from '../../gateway-under-test/index.ts';
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { startEchoUpstream, type EchoUpstream } from '../harness/echo-upstream.ts';
import { idpDriver } from '../harness/idp-driver.ts';
import { loadCases } from '../harness/load-cases.ts';
import type { RunReport } from '../harness/run-report.ts';
import { runSuite } from '../harness/run-suite.ts';
import { BLOCKING_LEVELS } from '../harness/verdict-rank.ts';
import { startBrokenGateway, type BrokenGatewayFault } from './support/start-broken-gateway.ts';

/**
 * The suite has teeth (issue 5): each deliberately broken gateway — one validation mistake each — is
 * caught by at least one blocking case that the same gateway without the mistake passes. The baseline
 * comparison is what makes the catch the fault's doing rather than something else the tiny gateway
 * does not implement.
 */
const FAULTS: { fault: Exclude<BrokenGatewayFault, 'none'>; only: string }[] = [
  { fault: 'no-audience-check', only: 'claims' },
  { fault: 'alg-none-accepted', only: 'algorithm' },
  { fault: 'exp-not-required', only: 'claims' },
  { fault: 'cache-ignores-exp', only: 'claims' },
  { fault: 'jwks-refetch-every-unknown-kid', only: 'keys,idp-faults' },
  { fault: 'claim-headers-passed-through', only: 'forwarding' },
  { fault: 'rate-limit-unverified-key', only: 'rate-limit' },
];

let idp: MockIdp;
let upstream: EchoUpstream;
let baseline: RunReport;

async function runAgainst(fault: BrokenGatewayFault, only: string): Promise<RunReport> {
  const tenant = idp.tenant('contoso');
  const gateway = await startBrokenGateway({ fault, issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: DEMO_AUDIENCE, upstreamUrl: upstream.url });
  try {
    return await runSuite({
      target: { name: gateway.profile.name, baseUrl: gateway.url, profile: gateway.profile, idp: idpDriver(idp, 'contoso'), upstream, stop: gateway.stop },
      cases: await loadCases({ only }),
      concurrency: 8,
    });
  } finally {
    await gateway.stop();
  }
}

const blockingFailures = (report: RunReport) => report.cases.filter((c) => c.verdict === 'fail' && BLOCKING_LEVELS.has(c.level)).map((c) => c.id);

beforeAll(async () => {
  idp = await createMockIdp({ port: 0 });
  upstream = await startEchoUpstream();
  baseline = await runAgainst('none', [...new Set(FAULTS.map((f) => f.only))].join(','));
}, 60_000);

afterAll(async () => {
  await upstream?.close();
  await idp?.close();
});

describe('each deliberately broken gateway is caught by a MUST case', () => {
  it('the honest baseline raises no harness error', () => {
    expect(baseline.cases.filter((c) => c.verdict === 'error').map((c) => `${c.id}: ${c.errorMessage}`)).toEqual([]);
  });

  for (const { fault, only } of FAULTS) {
    it(`catches ${fault} (cases under ${only})`, async () => {
      const report = await runAgainst(fault, only);
      const passedByBaseline = new Set(baseline.cases.filter((c) => c.verdict === 'pass' || c.verdict === 'non-strict').map((c) => c.id));
      const caught = blockingFailures(report).filter((id) => passedByBaseline.has(id));
      if (process.env.GATECHECK_TEETH_DEBUG) console.log(fault, caught);
      expect(caught, `no blocking case failed against ${fault} that the honest gateway passes`).not.toEqual([]);
      expect(report.cases.filter((c) => c.verdict === 'error').map((c) => c.id)).toEqual([]);
    }, 60_000);
  }
});
