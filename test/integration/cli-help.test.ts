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

  it('rejects an unknown command with help', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
