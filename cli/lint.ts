import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { fileProblem, LINT_RULES, lintApimFolder, lintPolicy, loadPolicyValues, toSarif, type PolicyDiagnostic } from '../gateway-under-test/index.ts';
import { isApigeeBundle, lintApigeeBundle } from '../gateway-under-test/reference/policies/index.ts';
import { CliError } from './cli-error.ts';

/**
 * `gatecheck lint POLICY.xml…`: APIM and Apigee policies (and APIOps folders) against the rules in LINT_RULES. Exit 1 when
 * any finding is an error; a file that can't be read as a policy is a PolicyError (exit 2, with line).
 * Without `--policy-values`, references stay unresolved and are findings themselves.
 */
export function lintCommand(): Command {
  return new Command('lint')
    .description('lint APIM / Apigee token-validation policies; exit 1 on errors')
    .argument('<files...>', 'policy XML files, APIOps-extracted folders (APIM), or exported Apigee proxies (folder or .zip)')
    .option('--format <format>', 'text or sarif', 'text')
    .option('--policy-values <file>', 'YAML or JSON name: value lines for {{named values}} and Apigee ref/uriRef/{variable} references')
    .action(async (files: string[], opts: { format: string; policyValues?: string }) => {
      if (opts.format !== 'text' && opts.format !== 'sarif') throw new CliError(`--format: expected text or sarif, got "${opts.format}"`);
      const values = opts.policyValues === undefined ? undefined : await loadPolicyValues(opts.policyValues);
      const findings: PolicyDiagnostic[] = [];
      for (const file of files) {
        // An exported Apigee proxy (folder or .zip): its VerifyJWT policies.
        if (isApigeeBundle(file)) {
          findings.push(...(await lintApigeeBundle(file, { values })));
          continue;
        }
        // An APIOps-extracted folder: every operation's policy as composed from its scopes.
        if (existsSync(file) && statSync(file).isDirectory()) {
          findings.push(...(await lintApimFolder(file, { values })));
          continue;
        }
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (err) {
          throw new CliError(`cannot read policy ${file}: ${fileProblem(file, err)}; give the path of an APIM or Apigee policy XML file`);
        }
        findings.push(...lintPolicy(text, file, { values }));
      }
      if (opts.format === 'sarif') process.stdout.write(`${JSON.stringify(toSarif(findings), null, 2)}\n`);
      else {
        const fixes = new Map(LINT_RULES.map((r) => [r.id, r.fix]));
        for (const f of findings) process.stdout.write(`${f.file}:${f.line}: ${f.severity} ${f.rule}: ${f.message}\n    fix: ${fixes.get(f.rule)}\n`);
        const errors = findings.filter((f) => f.severity === 'error').length;
        process.stdout.write(`${files.length} file(s), ${errors} error(s), ${findings.length - errors} warning(s)\n`);
      }
      if (findings.some((f) => f.severity === 'error')) process.exitCode = 1;
    });
}
