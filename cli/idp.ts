import { Command, Option } from 'commander';
import { createMockIdp, MockIdpConfigError, type MockIdp } from '../mock-idp/index.ts';
import { CliError } from './cli-error.ts';
import { parsePort } from './parse-port.ts';

function describe(idp: MockIdp, readyMs: number, opts: { adminToken?: string }): string {
  const lines = [`gatecheck mock-idp listening on ${idp.url} (ready in ${readyMs} ms)`, ''];
  for (const t of idp.tenants) {
    lines.push(`  ${t.name}  ${t.id}  ${t.domain}`);
    lines.push(`    issuer     ${t.issuer}`);
    lines.push(`    discovery  ${t.discoveryUrl}`);
    lines.push(`    jwks       ${t.jwksUri}`);
    lines.push(`    token      ${t.tokenEndpoint}`);
    lines.push(`    authorize  ${t.authorizationEndpoint}`);
  }
  lines.push('', `  index        ${idp.url}/`);
  lines.push(`  control API  ${idp.url}/_admin (${opts.adminToken ? 'admin token required' : 'loopback callers only'})`);
  if (!opts.adminToken) lines.push(`  workbench    ${idp.url}/_ui (mint, decode and explain tokens, rotate keys, set faults)`);
  if (idp.caPath) lines.push(`  CA cert      ${idp.caPath}  (trust it: NODE_EXTRA_CA_CERTS=${idp.caPath})`);
  lines.push('', 'Stop with Ctrl+C.');
  return lines.join('\n');
}

export function idpCommand(): Command {
  return new Command('idp')
    .description('serve the Entra-compatible mock identity provider until stopped')
    .option('--port <port>', 'port to listen on', '9400')
    .option('--host <host>', 'address to bind; anything but loopback exposes token minting', '127.0.0.1')
    .option('--tenants <path>', 'tenant YAML file or directory (default: fixtures/tenants)')
    .option('--keys <dir>', 'load each tenant\'s signing key from DIR/<tenant>.pem or DIR/<tenant>.jwk.json')
    .option('--save-keys <dir>', 'write each tenant\'s generated signing key to DIR/<tenant>.pem (never overwrites)')
    .option('--tls', 'serve HTTPS with a generated local CA')
    .option('--tls-dir <dir>', 'where to write the CA certificate (default: a fresh temp directory)')
    .addOption(new Option('--issuer-style <style>', 'issuers on the mock\'s origin, or Entra\'s literal ones').choices(['local', 'entra']).default('local'))
    .option('--public-url <url>', 'the origin clients see, when a proxy sits in front')
    .option('--admin-token <token>', 'require this bearer token on /_admin (also GATECHECK_ADMIN_TOKEN)')
    .action(async (opts) => {
      const adminToken: string | undefined = opts.adminToken ?? process.env.GATECHECK_ADMIN_TOKEN;
      if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(opts.host)) {
        process.stderr.write(`warning: binding ${opts.host}: anyone who can reach it can mint tokens this mock's tenants trust${adminToken ? '' : ', and /_admin stays loopback-only until --admin-token is set'}\n`);
      }
      const started = performance.now();
      const idp = await createMockIdp({
        port: parsePort(opts.port),
        host: opts.host,
        ...(opts.tenants ? { tenants: opts.tenants } : {}),
        keysDir: opts.keys,
        saveKeysDir: opts.saveKeys,
        tls: Boolean(opts.tls),
        tlsDir: opts.tlsDir,
        issuerStyle: opts.issuerStyle,
        publicUrl: opts.publicUrl,
        adminToken,
      }).catch((e: unknown) => {
        // The mock says what is wrong with the port; the way to choose another is this command's flag.
        if (e instanceof MockIdpConfigError && e.port !== undefined) {
          throw new CliError(`${e.message}; choose ${e.port < 1024 ? 'a port above 1023' : 'another'} with --port`);
        }
        throw e;
      });
      process.stdout.write(`${describe(idp, Math.round(performance.now() - started), { adminToken })}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await idp.close();
      process.stdout.write('mock-idp stopped\n');
    });
}
