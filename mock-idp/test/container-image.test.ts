import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, test } from 'vitest';

/**
 * The container image, checked without a Docker engine: the Dockerfile is parsed and held to what the
 * README promises (a pinned Node 22 base that is the project's own Node, runtime dependencies only,
 * a non-root user, the port, a default command that listens on 0.0.0.0 with an admin token), the
 * build context is computed from .dockerignore, everything `idp` and `mint` load is shown to be in
 * the image, and the image's entry point is run for real, outside a container.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions in order: comments dropped, backslash continuations joined. */
function instructions(text: string): Instruction[] {
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return logical.map((line) => {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    return { keyword: keyword.toUpperCase(), args: args.trim() };
  });
}

const dockerfile = instructions(read('Dockerfile'));
const all = (keyword: string) => dockerfile.filter((i) => i.keyword === keyword);
const one = (keyword: string) => {
  const found = all(keyword);
  expect(found, `exactly one ${keyword}`).toHaveLength(1);
  return found[0];
};
/** An exec-form argument list (JSON array), as CMD, ENTRYPOINT and HEALTHCHECK CMD must use to get signals. */
const execForm = (args: string): string[] => {
  const parsed = JSON.parse(args) as unknown;
  expect(Array.isArray(parsed) && parsed.every((a) => typeof a === 'string')).toBe(true);
  return parsed as string[];
};
const flag = (argv: string[], name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** `.dockerignore` semantics: patterns relative to the context root, `**` across folders, the last match wins, `!` re-includes, a matched folder excludes its contents. */
function ignoredBy(patterns: string[]): (path: string) => boolean {
  const rules = patterns.map((raw) => {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\/+/, '').replace(/\/+$/, '');
    const source = pattern
      .split('/')
      .map((segment) => (segment === '**' ? '(?:.*)' : segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
      .join('/')
      .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
    return { negate, re: new RegExp(`^${source}(?:/.*)?$`) };
  });
  return (path) => {
    let ignored = false;
    for (const rule of rules) if (rule.re.test(path)) ignored = !rule.negate;
    return ignored;
  };
}
const ignored = ignoredBy(read('.dockerignore').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));

/** What the image holds of the repository: the COPY sources, minus what .dockerignore keeps out of the context. */
const copied = all('COPY').map((c) => {
  const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--'));
  return parts.slice(0, -1);
}).flat();
const inImage = (path: string) => !ignored(path) && copied.some((src) => path === src || path.startsWith(`${src.replace(/\/$/, '')}/`));

/**
 * Every project file a command loads (static imports, re-exports and, with `dynamic`, literal dynamic
 * imports, followed from the file) and every package it imports by name. Type-only imports are erased
 * and load nothing.
 */
function loadGraph(entry: string, dynamic = true): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const stack = [resolve(ROOT, entry)];
  while (stack.length) {
    const file = stack.pop()!;
    const rel = relative(ROOT, file).split(sep).join('/');
    if (files.has(rel)) continue;
    files.add(rel);
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
    for (const m of code.matchAll(re)) {
      if (m[2] || (m[4] && !dynamic)) continue;
      const spec = m[3] ?? m[4];
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        expect(existsSync(target), `${rel} imports ${spec}, which does not exist`).toBe(true);
        stack.push(target);
      } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        packages.set(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0], rel);
      }
    }
  }
  return { files, packages };
}

describe('the Dockerfile', () => {
  test('the base is Node 22 pinned to the exact version npm start runs on (the locked `node` devDependency), 22.18 or later', () => {
    const from = one('FROM').args;
    const m = /^node:(\d+)\.(\d+)\.(\d+)-[a-z0-9-]+(@sha256:[0-9a-f]{64})?$/.exec(from);
    expect(m, `FROM ${from} is not node:<major.minor.patch>-<variant>`).not.toBeNull();
    const locked = (JSON.parse(read('package-lock.json')) as { packages: Record<string, { version: string }> }).packages['node_modules/node'].version;
    expect(`${m![1]}.${m![2]}.${m![3]}`).toBe(locked);
    expect(Number(m![1])).toBe(22);
    expect(Number(m![2])).toBeGreaterThanOrEqual(18);
  });

  test('installs the locked runtime dependencies only', () => {
    const install = all('RUN').find((r) => /\bnpm ci\b/.test(r.args));
    expect(install?.args).toMatch(/\bnpm ci\b.*--omit=dev\b/);
    // The lockfile goes in with package.json, so the install is the locked one.
    expect(all('COPY')[0].args.split(/\s+/)).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
  });

  test('runs as a user other than root, set after the last step that needs root', () => {
    const user = one('USER').args;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const index = dockerfile.findIndex((i) => i.keyword === 'USER');
    expect(dockerfile.slice(index).some((i) => i.keyword === 'RUN' || i.keyword === 'COPY')).toBe(false);
  });

  test('the default command serves the mock on 0.0.0.0 at the exposed port, with an admin token and the public URL', () => {
    const port = one('EXPOSE').args;
    expect(port).toBe('9400');
    const cmd = execForm(one('CMD').args);
    expect(cmd[0]).toBe('idp');
    expect(flag(cmd, '--host')).toBe('0.0.0.0');
    expect(flag(cmd, '--port')).toBe(port);
    expect(flag(cmd, '--admin-token')).toBe('generate');
    expect(new URL(flag(cmd, '--public-url')!).port).toBe(port);
    expect(one('HEALTHCHECK').args).toContain(`http://127.0.0.1:${port}/`);
  });

  test('the entry point is the image\'s script, and it is in the image', () => {
    const entry = execForm(one('ENTRYPOINT').args);
    const workdir = one('WORKDIR').args;
    const script = relative(workdir, entry.at(-1)!).split(sep).join('/');
    expect(script).toBe('mock-idp/container/entrypoint.sh');
    expect(inImage(script)).toBe(true);
  });
});

describe('the build context (.dockerignore)', () => {
  test.each([
    'node_modules/jose/package.json',
    'mock-idp/node_modules/x/index.js',
    'reports/2026-01-01T00-00-00Z/report.json',
    '.gatecheck/tls/ca.crt',
    'fixtures/keys/orders-cert-daemon.key.pem',
    'keys/contoso.pem',
    'saved/contoso.pem',
    'idp.log',
    '.git/HEAD',
    'mock-idp/test/managed-identity.test.ts',
  ])('keeps %s out', (path) => expect(ignored(path)).toBe(true));

  test.each(['fixtures/keys/orders-cert-daemon.crt.pem', 'fixtures/tenants/contoso.yaml', 'mock-idp/index.ts', 'package-lock.json', 'mock-idp/container/entrypoint.sh'])('sends %s', (path) => {
    expect(ignored(path)).toBe(false);
  });
});

describe('what the image runs is in the image', () => {
  const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

  // The dispatcher loads the one subcommand asked for (a dynamic import each), so its own graph is its static imports.
  test.each([
    ['cli/gatecheck.ts', false],
    ['cli/idp.ts', true],
    ['cli/mint.ts', true],
  ] as const)('%s loads only files the image copies and packages `npm ci --omit=dev --omit=optional` installs', (entry, dynamic) => {
    const { files, packages } = loadGraph(entry, dynamic);
    expect(files.size).toBeGreaterThan(1);
    expect([...files].filter((f) => !inImage(f))).toEqual([]);
    expect([...packages].filter(([name]) => !(name in pkg.dependencies)).map(([name, from]) => `${name} (from ${from})`)).toEqual([]);
  });

  test('the files the mock reads at run time are in the image: package.json, tenants and their certificates, the workbench', () => {
    const needed = ['package.json', ...readdirSync(join(ROOT, 'fixtures/tenants')).map((f) => `fixtures/tenants/${f}`), ...readdirSync(join(ROOT, 'mock-idp/ui/assets')).map((f) => `mock-idp/ui/assets/${f}`)];
    for (const file of needed.filter((f) => f.endsWith('.yaml'))) {
      const tenant = parseYaml(read(file)) as { clients?: { certificate?: string }[] };
      for (const c of tenant.clients ?? []) if (c.certificate) needed.push(join(dirname(file), c.certificate).split(sep).join('/'));
    }
    expect(needed.filter((f) => !inImage(f))).toEqual([]);
  });
});

describe('the entry point, run outside a container', () => {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    }
  });

  /** A port free a moment ago: the mock prints its public URL, not the port it got, so the test picks it. */
  const freePort = () =>
    new Promise<number>((resolvePort) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolvePort(port));
      });
    });

  /** The image's default command with a loopback address and a free port, as tests must listen. */
  const defaultCommand = (port: number) => {
    const cmd = execForm(one('CMD').args);
    cmd[cmd.indexOf('--host') + 1] = '127.0.0.1';
    cmd[cmd.indexOf('--port') + 1] = String(port);
    return cmd;
  };

  function start(port: number, env: Record<string, string> = {}): Promise<{ url: string; stderr: () => string }> {
    const args = defaultCommand(port);
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GATECHECK_')));
    // The script runs `node`: the project's Node 22, first on PATH as npm scripts put it.
    const child = spawn('sh', [join(ROOT, 'mock-idp/container/entrypoint.sh'), ...args], {
      cwd: ROOT,
      env: { ...clean, PATH: `${dirname(process.execPath)}:${process.env.PATH}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolveStart, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 20 s; stderr: ${stderr}`)), 20_000);
      child.stdout!.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (/listening on http:\/\/\S+/.test(stdout)) {
          clearTimeout(timer);
          resolveStart({ url: `http://127.0.0.1:${port}`, stderr: () => stderr });
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code}: ${stderr}`));
      });
    });
  }

  test('--admin-token generate makes a token, prints it once on stderr, and /_admin answers only it', async () => {
    const idp = await start(await freePort());
    const token = /generated an admin token for \/_admin \(send it as Authorization: Bearer\): (\S+)/.exec(idp.stderr())?.[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const index = (await (await fetch(`${idp.url}/`)).json()) as { tenants: { issuer: string }[] };
    expect(index.tenants[0].issuer.startsWith('http://127.0.0.1:9400/')).toBe(true);
    expect((await fetch(`${idp.url}/_admin/tenants`)).status).toBe(401);
    expect((await fetch(`${idp.url}/_admin/tenants`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  }, 30_000);

  test('GATECHECK_ADMIN_TOKEN and GATECHECK_PUBLIC_URL are taken instead, and the token is not printed', async () => {
    const token = 'a-token-the-operator-chose-1234';
    const idp = await start(await freePort(), { GATECHECK_ADMIN_TOKEN: token, GATECHECK_PUBLIC_URL: 'http://idp.internal:9400' });
    expect(idp.stderr()).not.toContain(token);
    expect(idp.stderr()).not.toMatch(/generated an admin token/);
    const index = (await (await fetch(`${idp.url}/`)).json()) as { tenants: { issuer: string }[] };
    expect(index.tenants[0].issuer.startsWith('http://idp.internal:9400/')).toBe(true);
  }, 30_000);

  test('a command the image does not carry is refused with the reason, exit 2', async () => {
    const child = spawn('sh', [join(ROOT, 'mock-idp/container/entrypoint.sh'), 'run'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toMatch(/runs `idp` \(the default\) and `mint`/);
  });
});
