import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, test } from 'vitest';
import { processTreeCpuMs } from '../process-cpu.ts';

// A parent that forks a child burning CPU for a fixed time, then both wait to be killed.
const PARENT = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 400; while (Date.now() < end); console.log("burnt"); setInterval(() => {}, 1000);'], { stdio: ['ignore', 'inherit', 'inherit'] });
process.on('SIGTERM', () => { child.kill(); process.exit(0); });
setInterval(() => {}, 1000);
`;

describe('bench CPU accounting', () => {
  test('charges a live child process to its parent tree, not to the parent alone', async (ctx) => {
    ctx.skip(process.platform !== 'linux', 'reads /proc');
    const parent = spawn(process.execPath, ['-e', PARENT], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const before = processTreeCpuMs(parent.pid!);
      expect(before).toBeTypeOf('number');
      const [line] = await once(parent.stdout!, 'data');
      expect(String(line)).toContain('burnt');
      const after = processTreeCpuMs(parent.pid!)!;
      // The child spun ~400 ms of CPU; the parent alone stayed mostly idle.
      expect(after - before!).toBeGreaterThanOrEqual(250);
    } finally {
      parent.kill('SIGTERM');
      await once(parent, 'exit');
    }
  });

  test('answers undefined for a process that does not exist', () => {
    expect(processTreeCpuMs(2 ** 22 + 12345)).toBeUndefined();
  });
});
