import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What ships runs without a dev tool: the bundle (`npm run build:bridge`, what an installed package and
 * the Docker image start) imports only Node's own modules and the package's runtime dependencies —
 * never tsx, esbuild, Vite or a test helper — and it runs.
 */
const root = resolve(fileURLToPath(import.meta.url), '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('the shipped bundle', () => {
  let dir: string;
  let outfile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'r2m-bundle-'));
    // Inside the checkout (dist/ is git-ignored), so its imports resolve in node_modules as an
    // installed package's would.
    outfile = join(root, 'dist', `bundle-test-${process.pid}.mjs`);
    execFileSync(
      join(root, 'node_modules/.bin/esbuild'),
      [
        'bridge/cli/index.ts',
        '--bundle',
        '--platform=node',
        '--format=esm',
        '--target=node20',
        '--packages=external',
        `--outfile=${outfile}`,
        '--log-level=warning',
      ],
      { cwd: root },
    );
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outfile, { force: true });
  });

  it('imports Node built-ins and runtime dependencies only', () => {
    const code = readFileSync(outfile, 'utf8');
    const specifiers = new Set(
      // esbuild writes the externals as top-level import statements, one per line.
      [...code.matchAll(/^import\s(?:[^;"]*?\sfrom\s)?"([^"]+)";$/gm)].map((m) => m[1] ?? ''),
    );
    const packages = [...specifiers]
      .filter((s) => !s.startsWith('node:'))
      .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
    expect(packages.length).toBeGreaterThan(5);
    for (const name of packages) {
      expect(Object.keys(pkg.devDependencies), name).not.toContain(name);
      expect(Object.keys(pkg.dependencies), name).toContain(name);
    }
    // pino-pretty is a runtime dependency, but only for a terminal: loaded on demand, not at start.
    expect(packages).not.toContain('pino-pretty');
  });

  it('runs: --version and the help, with no TypeScript loader in the process', () => {
    const version = execFileSync(process.execPath, [outfile, '--version'], { cwd: dir }).toString().trim();
    expect(version).toBe(
      (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version,
    );
    const help = execFileSync(process.execPath, [outfile, '--help'], { cwd: dir }).toString();
    expect(help).toContain('probe');
  });

  it('keeps dev tools out of the runtime dependencies', () => {
    for (const tool of [
      'tsx',
      'esbuild',
      'vite',
      'vitest',
      'typescript',
      '@biomejs/biome',
      'playwright-core',
    ])
      expect(Object.keys(pkg.dependencies)).not.toContain(tool);
  });
});
