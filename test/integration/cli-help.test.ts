import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('raritan2mqtt --help', () => {
  it('lists run, demo, sim and probe, each with its options', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const [command, option] of [
      ['run', '--config <file>'],
      ['demo', '--days <n>'],
      ['sim', '--outlets <n>'],
      ['probe', '--community <c>'],
    ] as const) {
      const section = r.stdout.slice(r.stdout.indexOf(`\n${command}: `));
      expect(section, command).toMatch(new RegExp(`^\\n${command}: .+\\n(    .+\\n)*    (-\\w, )?${option}`));
    }
  });

  it('prints its version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });

  it.each([
    [['frobnicate'], /^error: unknown command 'frobnicate'$/],
    [['prob'], /^error: unknown command 'prob'$/],
    [['run', '--bogus'], /^error: unknown option '--bogus'$/],
    [['probe'], /^error: required option '--host <host>' not specified$/],
    [['sim', '--outlets', 'x'], /^error: option '--outlets <n>' argument 'x' is invalid/],
  ])(
    'answers a bad invocation %j with one error line and a hint, not the whole help',
    async (args, first) => {
      const r = await runCli(args);
      expect(r.code).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toMatch(first);
      expect(lines.at(-1)).toBe('(add --help for the commands and their options)');
      expect(lines.length).toBeLessThanOrEqual(3); // error, maybe "(Did you mean …?)", the hint
      expect(r.stdout).toBe('');
    },
  );

  it('suggests the command meant', async () => {
    const r = await runCli(['prob']);
    expect(r.stderr).toContain('(Did you mean probe?)');
  });
});
