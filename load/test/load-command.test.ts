import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/gatecheck.ts';
import type { LoadResult } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatecheck-load-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `gatecheck …` in process: exit code, stdout, stderr. */
async function gatecheck(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    return { code: await main(argv), out, err };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

describe('gatecheck load', () => {
  it.each([
    [['--scenario', 'no-such-scenario'], /unknown scenario "no-such-scenario"; use one of .*rotation/],
    [['--scenario', 'mixed', '--duration', 'soon'], /--duration: expected/],
    [['--scenario', 'mixed', '--rate', '-3'], /--rate: expected a positive number/],
    [['--scenario', 'mixed', '--engine', 'jmeter'], /--engine: expected embedded or k6/],
    [['--scenario', 'mixed', '--target', 'nginx'], /unknown target "nginx"/],
    [['--scenario', 'saturation', '--connections', '4'], /saturation scenario steps an arrival rate/],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const r = await gatecheck('load', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('runs a scenario file against the reference gateway and writes JSON and a self-contained HTML report', async () => {
    const scenario = join(dir, 'tiny.json');
    writeFileSync(scenario, JSON.stringify({
      name: 'tiny',
      description: 'two valid tokens and a forged one',
      tokens: [{ variant: 'valid', count: 2, weight: 3 }, { variant: 'alg-none', count: 1, weight: 1 }],
      load: { model: 'open', rate: 40 },
      durationSeconds: 1,
    }));
    const json = join(dir, 'result.json');
    const html = join(dir, 'report.html');
    const r = await gatecheck('load', '--scenario', scenario, '--gateway-workers', '1', '--json', json, '--html', html);
    expect(r.err).not.toMatch(/unexpected error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/tiny → http:\/\/127\.0\.0\.1:\d+/);
    expect(r.out).toContain('PASSED');
    const result = JSON.parse(readFileSync(json, 'utf8')) as LoadResult;
    expect(result.requests.completed).toBe(40);
    expect(result.pools.map((p) => [p.name, p.sent, p.accepted, p.refused])).toEqual([['valid', 30, 30, 0], ['alg-none', 10, 0, 10]]);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|<link|src="http/);
  });
});
