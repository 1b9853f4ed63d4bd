import { CliError } from './cli-error.ts';

export function parsePort(value: string, flag = '--port'): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new CliError(`${flag}: expected a port number from 0 to 65535, got "${value}"`);
  return port;
}
