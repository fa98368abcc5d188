#!/usr/bin/env node
// `npm run bench [-- --json] [-- --quick] [-- --only a,b]`: the benchmarks (targets in bench/targets.ts),
// one after another (never in parallel: each measures time and CPU), each in its own Node process through
// tsx. Prints each one's output and what the README says for it, then a one-line summary per benchmark;
// exits 1 when any target was missed or a bench broke.
// --quick: the scale run lasts 20 s instead of 60 s, the stretch one cycle instead of three, and the SNMP
// comparison does fewer cycles. `stretch` is the scale bench with --stretch: 1,000 PDUs every 60 s.
// --only: these benchmarks only (snmp, history, scale, stretch, panel, demo, events).
// --json: one JSON document on stdout ({ date, commit, machine, benches: { name: { exitCode, seconds,
//         result } }, passed }); the progress and the summary go to stderr. The README's table is made
//         from it: `npm run -s bench -- --json > docs/bench.json && npm run docs`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALL = ['snmp', 'history', 'scale', 'stretch', 'panel', 'demo', 'events'];
const argv = process.argv.slice(2);
const json = argv.includes('--json');
const quick = argv.includes('--quick');
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : ALL;
const flags = [json && '--json', quick && '--quick'].filter(Boolean);
const unknown = argv.filter(
  (a, i) => a !== '--json' && a !== '--quick' && a !== '--only' && !(onlyAt >= 0 && i === onlyAt + 1),
);
const badOnly = only.filter((n) => !ALL.includes(n));
if (unknown.length > 0 || badOnly.length > 0 || only.length === 0) {
  process.stderr.write(
    `bench: unknown argument(s) ${[...unknown, ...badOnly].join(' ') || '--only without names'} (use --json, --quick, --only ${ALL.join(',')})\n`,
  );
  process.exit(2);
}

/** name (the key in --json's `benches`) → the bench file and its own arguments. */
const benches = [
  { name: 'snmp', file: 'snmp', args: [] },
  { name: 'history', file: 'history', args: [] },
  { name: 'scale', file: 'scale', args: [] },
  { name: 'stretch', file: 'scale', args: ['--stretch'] },
  { name: 'panel', file: 'panel', args: [] },
  { name: 'demo', file: 'demo', args: [] },
  { name: 'events', file: 'events', args: [] },
].filter((b) => only.includes(b.name) && existsSync(join(root, 'bench', `${b.file}.ts`)));
const say = (line) => (json ? process.stderr : process.stdout).write(`${line}\n`);

function run({ file, args }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('bench', `${file}.ts`), ...args, ...flags],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!json) process.stdout.write(chunk);
    });
    child.on('close', (code, signal) =>
      resolve({ exitCode: code ?? (signal ? 2 : 0), seconds: (performance.now() - started) / 1000, out }),
    );
  });
}

/** The one-line outcome: the bench's own verdict line, or its JSON verdict object. */
function outcome(result) {
  if (json) {
    try {
      const parsed = JSON.parse(result.out);
      const verdict = parsed.verdict ?? {};
      const parts = Object.entries(verdict).map(
        ([k, v]) => `${k} ${v === true ? 'PASS' : v === false ? 'FAIL' : 'SKIPPED'}`,
      );
      return { parsed, line: parts.join(', ') || 'no verdict in its JSON (exit code decides)' };
    } catch {
      return { parsed: undefined, line: 'no JSON output' };
    }
  }
  const lines = result.out.split('\n');
  const verdict = lines.find((l) => l.startsWith('verdict:'));
  if (verdict) return { parsed: undefined, line: verdict.slice('verdict:'.length).trim() };
  // A bench without a verdict line: its PASS/FAIL rows, squeezed onto one line.
  const rows = lines.filter((l) => /\b(PASS|FAIL)\b/.test(l)).map((l) => l.trim().replace(/\s{2,}/g, ' '));
  return { parsed: undefined, line: rows.join('; ') || 'no verdict line' };
}

/** The commit measured ("-dirty" when tracked files differ from it) and the machine it ran on. */
function provenance() {
  const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
  let commit = 'unknown';
  try {
    commit =
      git('rev-parse', '--short', 'HEAD') +
      (git('status', '--porcelain', '--untracked-files=no') ? '-dirty' : '');
  } catch {
    // Not a git checkout (an unpacked release): the commit stays unknown.
  }
  return {
    date: new Date().toISOString(),
    commit,
    machine: {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      /** 1-minute load average when the run started and when it ended. */
      load: { start: loadavg()[0], end: 0 },
    },
  };
}

/** What the README's table says for one bench (docs/bench.json), for comparison. */
function readmeRows(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/readme-bench.ts', '--rows', name], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.on('close', () => resolve(out.trimEnd()));
  });
}

const meta = provenance();
const results = {};
const summary = [];
for (const bench of benches) {
  const { name } = bench;
  say(`\n=== bench/${bench.file}.ts ${[...bench.args, ...flags].join(' ')}`);
  const result = await run(bench);
  const readme = await readmeRows(name);
  if (readme) say(readme);
  const { parsed, line } = outcome(result);
  results[name] = { exitCode: result.exitCode, seconds: Number(result.seconds.toFixed(1)), result: parsed };
  const status =
    result.exitCode === 0 ? 'passed' : result.exitCode === 1 ? 'MISSED' : `BROKE (exit ${result.exitCode})`;
  summary.push(`${name.padEnd(8)} ${status.padEnd(8)} ${result.seconds.toFixed(0).padStart(4)} s  ${line}`);
}

const passed = Object.values(results).every((r) => r.exitCode === 0);
meta.machine.load.end = loadavg()[0];
if (json) process.stdout.write(`${JSON.stringify({ ...meta, benches: results, passed }, null, 2)}\n`);
say('\n=== summary');
for (const line of summary) say(line);
say(passed ? 'all targets met' : 'some targets missed (see above)');
process.exitCode = passed ? 0 : 1;
