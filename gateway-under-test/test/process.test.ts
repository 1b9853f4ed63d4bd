import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { haproxyConfig } from '../haproxy/haproxy-config.ts';
import { LauncherConfigError, GatewayStartError, PeerBinaryMissingError } from '../process/errors.ts';
import { peerForTests } from '../process/peer-for-tests.ts';
import { startGatewayProcess } from '../process/start-gateway-process.ts';

const common = {
  port: 8080,
  upstream: 'http://127.0.0.1:9100',
  issuer: 'https://login.microsoftonline.com/t/v2.0',
  audience: 'api://demo',
  requiredRole: 'Orders.Read',
  publicKeyFile: '/tmp/public.pem',
};

describe('gateway launchers', () => {
  test('refuse option values that could break out of a quoted config string', () => {
    const config = () => haproxyConfig({ ...common, audience: "api://demo' }\n  http-request allow" });
    expect(config).toThrow(LauncherConfigError);
    expect(config).toThrow(expect.objectContaining({ code: 'ERR_LAUNCHER_CONFIG', key: 'audience' }));
  });

  test('HAProxy config pins RS256 before jwt_verify and keeps regexes in single quotes', () => {
    const config = haproxyConfig(common);
    expect(config.indexOf('-m str RS256')).toBeGreaterThan(0);
    expect(config.indexOf('-m str RS256')).toBeLessThan(config.indexOf('jwt_verify('));
    expect(config).toContain(`-m reg '"roles":\\[[^]]*"Orders\\.Read"'`);
    expect(config).toContain(`-m reg '"aud":\\[[^]]*"api:\\/\\/demo"'`);
  });

  test('a process that exits at start-up fails with ERR_GATEWAY_START and its output', async () => {
    const start = startGatewayProcess({
      name: 'broken',
      binary: '/bin/sh',
      prepare: () => ['-c', 'echo "config line 3: nonsense" >&2; exit 3'],
    });
    await expect(start).rejects.toThrow(GatewayStartError);
    await expect(start).rejects.toThrow(/exited with code 3[\s\S]*config line 3: nonsense/);
  });

  test('a port answered by someone else\'s listener is not mistaken for our gateway being ready', async () => {
    const squatter = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => squatter.once('listening', resolve));
    const { port } = squatter.address() as { port: number };
    try {
      const start = startGatewayProcess({ name: 'never-listens', binary: '/bin/sh', port, prepare: () => ['-c', 'sleep 30'] });
      await expect(start).rejects.toThrow(/held by another process/);
    } finally {
      squatter.close();
    }
  });

  test('a missing peer binary fails instead of skipping when GATECHECK_REQUIRE_PEERS=1', () => {
    const env = { PATH: '/nonexistent', GATECHECK_REQUIRE_PEERS: '1' };
    expect(() => peerForTests('gatecheck-no-such-gateway', { env })).toThrow(PeerBinaryMissingError);
    expect(peerForTests('gatecheck-no-such-gateway', { env: { PATH: '/nonexistent' } })).toEqual({
      path: undefined,
      skipReason: 'peer binary gatecheck-no-such-gateway not installed',
    });
  });

  test('a missing npm package a peer server loads fails the same way when GATECHECK_REQUIRE_PEERS=1', () => {
    const requiredPackages = ['jose', 'gatecheck-no-such-package'];
    const env = { PATH: process.env.PATH, GATECHECK_REQUIRE_PEERS: '1' };
    expect(() => peerForTests('node', { requiredPackages, env })).toThrow(PeerBinaryMissingError);
    expect(peerForTests('node', { requiredPackages, env: { PATH: process.env.PATH } })).toEqual({
      path: undefined,
      skipReason: 'npm package gatecheck-no-such-package not installed',
    });
    expect(peerForTests('node', { requiredPackages: ['jose'], env: { PATH: process.env.PATH } }).skipReason).toBeUndefined();
  });
});
