import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BENCHES,
  type BenchRun,
  benchRows,
  benchTable,
  mergeRuns,
  readRun,
  withBenchTable,
} from '../../scripts/readme-bench.ts';
import { withConfigReference } from '../../scripts/readme-config.ts';

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('documents exactly the configuration the schema enforces (npm run docs regenerates it)', () => {
    expect(withConfigReference(readme)).toBe(readme);
    expect(readme).toContain('`R2M_PDU_HOST`');
  });

  it('shows exactly the benchmark figures of docs/bench.json, a npm run bench -- --json run (npm run docs)', () => {
    const run = readRun(readFileSync(new URL('../../docs/bench.json', import.meta.url), 'utf8'));
    expect(withBenchTable(readme, run)).toBe(readme);
    // Every bench of the run renders in the format its JSON has now (the renderer reads their types).
    for (const name of BENCHES) {
      const rows = benchRows(run, name);
      expect(rows.length).toBeGreaterThan(0);
      if (run.benches[name]?.result) expect(rows.join('\n')).not.toMatch(/undefined|NaN/);
    }
    // The table says when, where and on what the figures were taken.
    expect(readme).toContain(`at commit \`${run.commit}\``);
    expect(readme).toMatch(/\d+ cores \(.+\), \d+ GB, Node v\d+/);
    // No benchmark figure outside the generated table: the old hand-written ones are gone.
    const outside = readme.replace(
      readme.slice(readme.indexOf('<!-- bench:start'), readme.indexOf('<!-- bench:end')),
      '',
    );
    expect(outside).not.toMatch(/\d[\d,.]* ?(ms|polls\/s|core)\b|\d MB\b/);
  });

  it('takes a later run of some benches in place of theirs, saying when it ran, and keeps the others', () => {
    const file = readRun(readFileSync(new URL('../../docs/bench.json', import.meta.url), 'utf8'));
    // The file as one whole run (it may hold merged benches already).
    const base = JSON.parse(JSON.stringify(file)) as BenchRun;
    for (const e of Object.values(base.benches)) delete e?.run;
    const later = {
      ...base,
      date: '2030-01-02T03:04:05.000Z',
      commit: 'abc1234',
      machine: { ...base.machine, load: { start: 0.25, end: 0.5 } },
      benches: { history: base.benches.history },
    };
    const merged = mergeRuns(base, later);
    expect(merged.benches.history?.run).toEqual({
      date: later.date,
      commit: 'abc1234',
      load: { start: 0.25, end: 0.5 },
    });
    expect(merged.benches.snmp).toEqual(base.benches.snmp);
    expect(merged.commit).toBe(base.commit);
    const table = benchTable(merged);
    expect(table).toContain(
      '`history` was re-run on its own on 2030-01-02 at commit `abc1234`, load 0.25 → 0.50',
    );
    expect(table).not.toContain('`snmp` was re-run');
  });

  it('gives the quick start as two commands: the demo and the tests', () => {
    const quick = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('\n## ', readme.indexOf('## Quick start') + 5),
    );
    const block = /```sh\n([\s\S]*?)```/.exec(quick)?.[1] ?? '';
    const commands = block
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm ci && npm run demo', 'bash .ci/run']);
    // .ci/run ends in the README's test command.
    expect(readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8')).toMatch(/\nnpm test\n/);
  });
});
