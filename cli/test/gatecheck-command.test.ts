import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const CLI = fileURLToPath(new URL('../gatecheck.ts', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

/** Runs the CLI to completion (bounded) and returns exit code and output. */
function run(args: string[], timeoutMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('gatecheck', () => {
  test.each([['--version'], ['-V']])('%s prints the version from package.json and exits 0', async (flag) => {
    const r = await run([flag]);
    expect(r).toEqual({ code: 0, stdout: `${PACKAGE.version}\n`, stderr: '' });
  });

  test('the Node it needs (>= 22.18, type stripping) comes from the node devDependency, not engines', () => {
    // npm checks engines against the Node that runs npm (the system one), not the one npx and npm scripts
    // put first on PATH, so engines would warn on every fresh `npx gatecheck` for a Node the project never uses.
    expect(PACKAGE.engines).toBeUndefined();
    const [, major, minor] = /^\^(\d+)\.(\d+)\.\d+$/.exec(PACKAGE.devDependencies.node) ?? [];
    expect(Number(major)).toBe(22);
    expect(Number(minor)).toBeGreaterThanOrEqual(18);
  });
});
