#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { idpCommand } from './idp.ts';
import { gatewayCommand } from './gateway.ts';
import { runCommand } from './run.ts';
import { mintCommand } from './mint.ts';

/** Errors the user can fix (bad flags, bad files, a busy port) carry an ERR_* code: one line, exit 2, no stack. */
function isUserError(e: unknown): e is Error & { code: string } {
  return e instanceof Error && /^ERR_/.test(String((e as { code?: unknown }).code ?? ''));
}

export function buildProgram(): Command {
  const program = new Command('gatecheck')
    .description('tells the truth about API gateways that validate bearer tokens')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addCommand(idpCommand());
  program.addCommand(gatewayCommand());
  program.addCommand(runCommand());
  program.addCommand(mintCommand());
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed the message; usage errors are exit 2, help and version exit 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    const cmd = argv.find((a) => !a.startsWith('-')) ?? '';
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
