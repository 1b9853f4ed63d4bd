import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, test } from 'vitest';
import { processTreeCpuMs, processTreeCpuSplitMs } from '../process-cpu.ts';

// A parent that says `started` once its child exists, then idles; the child burns ~400 ms of CPU.
const PARENT = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 400; while (Date.now() < end); console.log("burnt"); setInterval(() => {}, 1000);'], { stdio: ['ignore', 'inherit', 'inherit'] });
console.log('started');
process.on('SIGTERM', () => { child.kill(); process.exit(0); });
setInterval(() => {}, 1000);
`;

describe('bench CPU accounting', () => {
  test('counts the CPU of a live child process in its parent tree', async (ctx) => {
    ctx.skip(process.platform !== 'linux', 'reads /proc');
    const parent = spawn(process.execPath, ['-e', PARENT], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: parent.stdout! })[Symbol.asyncIterator]();
    try {
      expect((await lines.next()).value).toBe('started');
      // From here the parent only idles: what the tree gains is the child's work.
      const before = processTreeCpuMs(parent.pid!);
      const splitBefore = processTreeCpuSplitMs(parent.pid!)!;
      expect(before).toBeTypeOf('number');
      expect((await lines.next()).value).toBe('burnt');
      const after = processTreeCpuMs(parent.pid!)!;
      const splitAfter = processTreeCpuSplitMs(parent.pid!)!;
      expect(after - before!).toBeGreaterThanOrEqual(250);
      // A busy loop is user time; the kernel's share of it is what starting a process costs.
      expect(splitAfter.userMs - splitBefore.userMs).toBeGreaterThanOrEqual(200);
      expect(splitAfter.userMs - splitBefore.userMs).toBeGreaterThan(splitAfter.systemMs - splitBefore.systemMs);
    } finally {
      parent.kill('SIGTERM');
      await once(parent, 'exit');
    }
  });

  test('answers undefined for a process that does not exist', () => {
    expect(processTreeCpuMs(2 ** 22 + 12345)).toBeUndefined();
    expect(processTreeCpuSplitMs(2 ** 22 + 12345)).toBeUndefined();
  });
});
