#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { GatecheckError } from '../errors/index.ts';

/**
 * Subcommands by name, loaded on demand: `gatecheck idp` should not pay for loading the suite, the
 * reports and the gateway (start-up time is a benchmark target). Help and unknown commands load all.
 * A new subcommand: one line here.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.ts')).runCommand(),
  matrix: async () => (await import('./matrix.ts')).matrixCommand(),
  idp: async () => (await import('./idp.ts')).idpCommand(),
  gateway: async () => (await import('./gateway.ts')).gatewayCommand(),
  mint: async () => (await import('./mint.ts')).mintCommand(),
  lint: async () => (await import('./lint.ts')).lintCommand(),
  export: async () => (await import('./export.ts')).exportCommand(),
  load: async () => (await import('./load.ts')).loadCommand(),
};

/**
 * Errors the user can fix (bad flags, bad files, a busy port): one line, exit 2, no stack. Ours are
 * GatecheckErrors; Node's own input errors (ERR_INVALID_URL from a mistyped URL flag) carry an ERR_* code.
 */
function isUserError(e: unknown): e is Error {
  return e instanceof GatecheckError || (e instanceof Error && /^ERR_/.test(String((e as { code?: unknown }).code ?? '')));
}

/** The version package.json declares: one place to bump, and what `--version` prints. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** `only`: the one subcommand to load; '' loads none (`gatecheck --version`), undefined loads all. */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('gatecheck')
    .description('tells the truth about API gateways that validate bearer tokens')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const names = only === '' ? [] : only && Object.hasOwn(COMMANDS, only) ? [only] : Object.keys(COMMANDS);
  for (const cmd of await Promise.all(names.map((n) => COMMANDS[n]()))) {
    program.addCommand(cmd.exitOverride().showHelpAfterError('(run with --help for usage)'));
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const cmd = argv.find((a) => !a.startsWith('-')) ?? '';
  try {
    // `gatecheck --version` needs no subcommand loaded (start-up time is a benchmark target).
    const versionOnly = !cmd && argv.some((a) => a === '--version' || a === '-V');
    const program = await buildProgram(versionOnly ? '' : cmd);
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed the message; usage errors are exit 2, help and version exit 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isUserError(e)) {
      process.stderr.write(`gatecheck${cmd ? ` ${cmd}` : ''}: ${e.message}\n`);
      return 2;
    }
    const detail = process.env.GATECHECK_DEBUG ? `\n${(e as Error).stack}` : ' (set GATECHECK_DEBUG=1 for the stack trace)';
    process.stderr.write(`gatecheck${cmd ? ` ${cmd}` : ''}: unexpected error: ${(e as Error).message ?? e}${detail}\n`);
    return 2;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
