import { Command } from 'commander';
import { stringify } from 'yaml';
import {
  demoConfig,
  GatewayListenError,
  loadGatewayConfig,
  loadPolicyValues,
  parseGatewayConfig,
  startReferenceGateway,
  targetFromPolicy,
  type GatewayConfig,
} from '../gateway-under-test/index.ts';
import { CliError } from './cli-error.ts';
import { parsePort } from './parse-port.ts';

/** `gatecheck gateway`: serve the reference gateway from a config file, or in demo mode against a mock IdP. */
export function gatewayCommand(): Command {
  return new Command('gateway')
    .description('serve the reference gateway (config file, or demo mode: --idp URL --upstream URL)')
    .option('--config <file>', 'gateway config, YAML or JSON')
    .option('--idp <url>', 'demo mode: trust tenant contoso of the mock IdP at URL for orders-api')
    .option('--upstream <url>', 'demo mode: where allowed requests go')
    .option('--apim-policy <file|dir>', 'emulate an Azure APIM policy or APIOps-extracted folder (needs --upstream; --idp stands in for login.microsoftonline.com)')
    .option('--apigee-policy <file|dir|zip>', 'emulate an Apigee VerifyJWT policy or exported proxy bundle, folder or .zip (needs --upstream; --idp stands in for login.microsoftonline.com)')
    .option('--policy-values <file>', 'YAML or JSON name: value lines for the policy\'s {{named values}} and Apigee ref/uriRef/{variable} references')
    .option('--port <port>', 'public port (overrides the config)')
    .option('--admin-port <port>', 'admin port for /metrics (overrides the config)')
    .option('--workers <n>', 'processes serving the public port (overrides the config)')
    .option('--print-config', 'print the effective config as YAML and exit')
    .action(async (opts: { config?: string; idp?: string; upstream?: string; apimPolicy?: string; apigeePolicy?: string; policyValues?: string; port?: string; adminPort?: string; workers?: string; printConfig?: boolean }) => {
      const policyFile = opts.apimPolicy ?? opts.apigeePolicy;
      if ([opts.config, opts.apimPolicy, opts.apigeePolicy].filter(Boolean).length > 1) throw new CliError('give one of --config, --apim-policy, --apigee-policy');
      if (opts.config && (opts.idp || opts.upstream)) throw new CliError('give either --config or --idp with --upstream, not both');
      if (opts.policyValues !== undefined && !policyFile) throw new CliError('--policy-values applies to a policy: give --apim-policy FILE or --apigee-policy FILE too');
      let config: GatewayConfig;
      if (policyFile) {
        if (!opts.upstream) throw new CliError(`${opts.apimPolicy ? '--apim-policy' : '--apigee-policy'} needs --upstream URL`);
        for (const [flag, value] of [['--idp', opts.idp], ['--upstream', opts.upstream]] as const) {
          if (value !== undefined && (!/^https?:\/\//i.test(value) || !URL.canParse(value))) throw new CliError(`${flag}: expected an http(s) URL, got "${value}"`);
        }
        const values = opts.policyValues === undefined ? undefined : await loadPolicyValues(opts.policyValues);
        const target = await targetFromPolicy(policyFile, { upstreamUrl: opts.upstream, authority: opts.idp, values });
        const want = opts.apimPolicy ? 'apim' : 'apigee';
        if (target.emulation.kind !== want) throw new CliError(`${policyFile} is an ${target.emulation.kind === 'apim' ? 'APIM' : 'Apigee'} policy; use --${target.emulation.kind}-policy`);
        for (const d of target.emulation.diagnostics) {
          process.stderr.write(`${d.file}:${d.line}: ${d.rule === 'not-emulated' ? `not emulated (${d.checks!.join(', ')})` : d.severity}: ${d.message}\n`);
        }
        config = target.config;
      } else if (opts.config) {
        config = await loadGatewayConfig(opts.config);
      } else if (opts.idp && opts.upstream) {
        for (const [flag, value] of [['--idp', opts.idp], ['--upstream', opts.upstream]] as const) {
          if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) throw new CliError(`${flag}: expected an http(s) URL, got "${value}"`);
        }
        config = parseGatewayConfig(await demoConfig({ idpUrl: opts.idp, upstreamUrl: opts.upstream }));
      } else {
        throw new CliError('needs --config FILE, --apim-policy FILE, --apigee-policy FILE, or --idp URL and --upstream URL for demo mode');
      }
      if (opts.port !== undefined) config = { ...config, listen: { ...config.listen, port: parsePort(opts.port) } };
      if (opts.adminPort !== undefined) {
        config = { ...config, admin: { host: config.admin ? config.admin.host : '127.0.0.1', port: parsePort(opts.adminPort, '--admin-port') } };
      }
      if (opts.workers !== undefined) {
        const n = Number(opts.workers);
        if (!/^\d+$/.test(opts.workers) || n < 1 || n > 64) throw new CliError(`--workers: expected 1 to 64, got "${opts.workers}"`);
        config = { ...config, workers: n };
      }
      if (opts.printConfig) {
        process.stdout.write(stringify(parseGatewayConfig(config)));
        return;
      }
      const gateway = await startReferenceGateway(config).catch((e: unknown) => {
        if (!(e instanceof GatewayListenError)) throw e;
        throw new CliError(`${e.message} (${e.socket === 'admin' ? '--admin-port N moves the metrics port, 0 takes any free one' : '--port N moves it, 0 takes any free one'})`);
      });
      const lines = [
        `gatecheck reference gateway listening on ${gateway.url}${config.workers > 1 ? ` (${config.workers} workers)` : ''}`,
        `  upstream  ${config.upstream.url}`,
        ...config.issuers.map((i) => `  issuer    ${i.issuer}`),
        `  metrics   ${gateway.adminUrl ? `${gateway.adminUrl}/metrics` : 'off'}`,
        ...config.routes.map((r) => `  route     ${r.methods.join(',').padEnd(6)} ${r.path}  ${r.auth === 'anonymous' ? 'anonymous' : r.require ? `${r.require.match} of ${r.require.values.join(' ')}` : 'any valid token'}`),
        '',
        'Stop with Ctrl+C.',
      ];
      process.stderr.write(`${lines.join('\n')}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await gateway.stop();
    });
}
