import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { GatecheckError } from '../index.ts';
import { WrkError } from '../../bench/wrk/run-wrk.ts';
import { CliError } from '../../cli/cli-error.ts';
import { ContainerUnavailableError } from '../../gateway-under-test/containers/container-unavailable-error.ts';
import { MissingTokenError } from '../../gateway-under-test/node-validators/serve-node-front.ts';
import { GatewayStartError, LauncherConfigError, PeerBinaryMissingError } from '../../gateway-under-test/process/errors.ts';
import { BackendCredentialsError } from '../../gateway-under-test/reference/backend-credentials.ts';
import { GatewayConfigError } from '../../gateway-under-test/reference/config.ts';
import { DemoDiscoveryError } from '../../gateway-under-test/reference/demo-config.ts';
import { UpstreamError } from '../../gateway-under-test/reference/http/upstream-client.ts';
import { JwksFetchError } from '../../gateway-under-test/reference/jwks-cache.ts';
import { GatewayListenError } from '../../gateway-under-test/reference/listen.ts';
import { ChooseNotMappableError } from '../../gateway-under-test/reference/policies/choose-not-mappable-error.ts';
import { PolicyError } from '../../gateway-under-test/reference/policies/policy-error.ts';
import { LoadInputError } from '../../load/runner/load-input-error.ts';
import { MockIdpConfigError } from '../../mock-idp/config.ts';
import { AdminError } from '../../mock-idp/control/admin-error.ts';
import { MintError } from '../../mock-idp/mint/mint-error.ts';
import { TenantConfigError } from '../../mock-idp/tenants/tenant-config-error.ts';
import { HarnessError } from '../../suites/harness/harness-error.ts';

/** One instance of every error class, as its throw sites build it. */
const ERROR_CLASSES: Record<string, () => GatecheckError> = {
  AdminError: () => new AdminError(400, 'invalid_request', 'ttl: expected a positive number', { field: 'ttl' }),
  BackendCredentialsError: () => new BackendCredentialsError('token endpoint answered 401'),
  ChooseNotMappableError: () => new ChooseNotMappableError('not emulated: context.Request.Headers.ContainsKey("X") at policy.xml:4'),
  CliError: () => new CliError('--port: expected a port number'),
  ContainerUnavailableError: () => new ContainerUnavailableError('no Docker engine'),
  DemoDiscoveryError: () => new DemoDiscoveryError('cannot reach the IdP'),
  GatewayConfigError: () => new GatewayConfigError('routes[0].path', 'expected a string'),
  GatewayListenError: () => new GatewayListenError('127.0.0.1:8080: the port is already in use', 'public'),
  GatewayStartError: () => new GatewayStartError('haproxy exited with code 1', 'log tail'),
  HarnessError: () => new HarnessError('ERR_TARGET_PROFILE', 'profile.yaml: audiences: expected an array'),
  JwksFetchError: () => new JwksFetchError('JWKS answered 500'),
  LauncherConfigError: () => new LauncherConfigError('upstream', 'must be an http(s) URL'),
  LoadInputError: () => new LoadInputError('ERR_UNKNOWN_VARIANT', 'no forge variant "x"'),
  MintError: () => new MintError('ERR_MINT_INVALID_RECIPE', 'claims.exp', 'expected a number'),
  MissingTokenError: () => new MissingTokenError('no Authorization header'),
  MockIdpConfigError: () => new MockIdpConfigError('port 9400 is in use', { port: 9400 }),
  PeerBinaryMissingError: () => new PeerBinaryMissingError('haproxy', 'apt-get install haproxy'),
  PolicyError: () => new PolicyError('ERR_POLICY_XML', 'policy.xml', 3, 'malformed XML'),
  TenantConfigError: () => new TenantConfigError('contoso.yaml', 'apis[0].appId', 'expected a GUID'),
  UpstreamError: () => new UpstreamError('UND_ERR_SOCKET', 'other side closed'),
  WrkError: () => new WrkError('ERR_WRK_MISSING', 'wrk is not installed'),
};

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PARTS = ['cli', 'errors', 'mock-idp', 'gateway-under-test', 'suites', 'load', 'bench', 'scripts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = PARTS.flatMap((part) => sourceFiles(join(ROOT, part))).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

describe('one error base class with stable codes', () => {
  test('no class but GatecheckError extends Error directly', () => {
    const direct = files.flatMap(({ path, text }) => [...text.matchAll(/class (\w+) extends Error\b/g)].map((m) => `${path}: ${m[1]}`));
    expect(direct).toEqual(['errors/gatecheck-error.ts: GatecheckError']);
  });

  test('every GatecheckError subclass in the source is checked below', () => {
    const declared = files.flatMap(({ text }) => [...text.matchAll(/class (\w+) extends GatecheckError\b/g)].map((m) => m[1])).sort();
    expect(Object.keys(ERROR_CLASSES).sort()).toEqual(declared);
  });

  test.each(Object.entries(ERROR_CLASSES))('%s: instanceof GatecheckError, named after its class, a stable code', (name, make) => {
    const error = make();
    expect(error).toBeInstanceOf(GatecheckError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.message).not.toBe('');
    expect(error.stack).toContain(name);
    // UpstreamError carries undici's codes on purpose, so one handler serves both upstream clients.
    expect(error.code).toMatch(name === 'UpstreamError' ? /^(UND_ERR|HPE)_[A-Z_]+$/ : /^ERR_[A-Z0-9_]+$/);
  });

  test('the cause is kept', () => {
    const cause = new Error('socket closed');
    expect(new GatecheckError('ERR_EXAMPLE', 'outer', { cause }).cause).toBe(cause);
  });
});
