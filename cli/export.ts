import { Command } from 'commander';
import { trustSnippets } from '../gateway-under-test/index.ts';
import { CliError } from './cli-error.ts';

/**
 * `gatecheck export --idp URL --tenant T`: the APIM and Apigee policy fragments that make a real cloud
 * gateway trust a running (and, for the cloud to reach it, publicly exposed) mock tenant, so the suite
 * can be run against the real thing. Read over HTTP, exactly as the cloud gateway will read it.
 */
export function exportCommand(): Command {
  return new Command('export')
    .description('print APIM openid-config / issuer-signing-keys and Apigee PublicKey snippets that trust a mock tenant')
    .requiredOption('--idp <url>', 'the running mock IdP, at the URL the cloud gateway will use')
    .option('--tenant <name>', 'tenant name, GUID or domain', 'contoso')
    .option('--format <format>', 'apim, apigee or all', 'all')
    .action(async (opts: { idp: string; tenant: string; format: string }) => {
      if (!['apim', 'apigee', 'all'].includes(opts.format)) throw new CliError(`--format: expected apim, apigee or all, got "${opts.format}"`);
      if (!/^https?:\/\//i.test(opts.idp) || !URL.canParse(opts.idp)) throw new CliError(`--idp: expected an http(s) URL, got "${opts.idp}"`);
      const discoveryUrl = `${opts.idp.replace(/\/$/, '')}/${encodeURIComponent(opts.tenant)}/v2.0/.well-known/openid-configuration`;
      const get = async (url: string) => {
        let res: Response;
        try {
          res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        } catch (err) {
          throw new CliError(`cannot reach ${url}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`);
        }
        if (!res.ok) throw new CliError(`${url} answered ${res.status}${res.status === 404 ? ` (unknown tenant "${opts.tenant}"?)` : ''}`);
        return res.json();
      };
      const discovery = (await get(discoveryUrl)) as { issuer: string; jwks_uri: string };
      const s = trustSnippets(discoveryUrl, discovery, (await get(discovery.jwks_uri)) as { keys: [] });
      const out: string[] = [`<!-- tenant ${opts.tenant}: issuer ${s.issuer} -->`];
      if (opts.format !== 'apigee') {
        out.push('<!-- APIM validate-jwt, keys by discovery (follows key rotation) -->', s.apimOpenidConfig, '');
        out.push('<!-- APIM validate-jwt, static keys (no outbound call from APIM; re-export after a rotation) -->', s.apimIssuerSigningKeys, '');
      }
      if (opts.format !== 'apim') {
        out.push('<!-- Apigee VerifyJWT, keys by JWKS URI -->', s.apigeePublicKeyJwks, '');
        out.push('<!-- Apigee VerifyJWT, static public key -->', s.apigeePublicKeyValue, '');
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
