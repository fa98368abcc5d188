/**
 * SNMP benchmark (targets in bench/targets.ts), side by side in one run:
 *   npx tsx bench/snmp.ts [--json] [--quick] [--runs N]
 * 1. Requests per steady-state poll of a simulated 36-outlet PX3-5892 (1,472-byte messages, counted by
 *    the agent), beside what a GET-per-OID reader needs and what the layout refresh costs.
 * 2. Poll-cycle time against that same agent: our reader's steady read vs a scrape of Debian's
 *    prometheus-snmp-exporter 0.21 walking the same columns, interleaved, medians and their ratio.
 * 3. The same comparison against a real PX3 walk served by Debian's snmpsim (when both are present).
 * 4. A 3-phase 36-outlet unit with 6 protectors and 4 external sensors (bench/snmp-hardware.ts): requests
 *    per steady poll (≤ 10), and its poll cycle against the exporter walking the same columns.
 * The agent runs in its own process, so neither client pays for the agent's CPU.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pollOids } from '../bridge/snmp/decode.ts';
import { createPduReader, type PduReader } from '../bridge/snmp/reader.ts';
import { fixturePath, fixtureSkipMessage, hasFixture } from '../support/fixtures.ts';
import { startSnmpsim } from '../support/snmpsim.ts';
import { EXPORTER_BIN, EXPORTER_INSTALL, type Exporter, startExporter } from './exporter.ts';
import { forkSimAgents, median } from './lib.ts';
import { benchTarget, forkHardwareSim, hardwarePoll } from './snmp-hardware.ts';
import { type Comparison, report } from './snmp-report.ts';

const WALK = 'raritan-pdu_px3';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    runs: { type: 'string' },
    'max-repetitions': { type: 'string' },
  },
});
const runs = Number(args.runs ?? (args.quick ? 15 : 30));
// The exporter's default is 25; 50 is what fits a 1,472-byte response, its fewest requests and best time.
const maxRepetitions = Number(args['max-repetitions'] ?? 50);

const target = benchTarget;

/** N steady reads of ours and N exporter scrapes, interleaved so that both see the same machine load. */
async function compare(opts: {
  agent: string;
  reader: PduReader;
  exporter: Exporter;
  exporterTarget: string;
  module: string;
  count?: () => Promise<number>;
}): Promise<Comparison> {
  const ours: number[] = [];
  const theirs: number[] = [];
  const walks: number[] = [];
  let oursAgent = 0;
  let theirsAgent = 0;
  let clientRequests = 0;
  let samples = Number.POSITIVE_INFINITY;
  for (let i = -3; i < runs; i++) {
    // Three warm-up rounds (JIT, the exporter's first connection) are not measured.
    let before = (await opts.count?.()) ?? 0;
    let t = performance.now();
    const read = await opts.reader.read();
    const oursMs = performance.now() - t;
    if (read.units.length === 0 || read.layoutRefreshed) throw new Error('our steady read went wrong');
    let after = (await opts.count?.()) ?? 0;
    if (i >= 0) {
      ours.push(oursMs);
      oursAgent += after - before;
      clientRequests += read.requests;
    }
    before = after;
    t = performance.now();
    const scrape = await opts.exporter.scrape(opts.exporterTarget, opts.module);
    after = (await opts.count?.()) ?? 0;
    samples = Math.min(samples, scrape.samples);
    if (scrape.samples === 0) {
      throw new Error(`the exporter's scrape of ${opts.agent} returned no PDU2-MIB samples: check snmp.yml`);
    }
    if (i >= 0) {
      theirs.push(scrape.ms);
      if (scrape.walkS !== undefined) walks.push(scrape.walkS * 1000);
      theirsAgent += after - before;
    }
  }
  const counted = opts.count !== undefined;
  return {
    agent: opts.agent,
    ours: {
      medianMs: median(ours),
      requests: counted ? oursAgent / runs : undefined,
      clientRequests: clientRequests / runs,
    },
    exporter: {
      medianMs: median(theirs),
      requests: counted ? theirsAgent / runs : undefined,
      samples,
      walkMs: walks.length ? median(walks) : undefined,
    },
    ratio: median(ours) / median(theirs),
    walkRatio: walks.length ? median(ours) / median(walks) : undefined,
  };
}

function hasSnmpsim(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v snmpsimd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function main() {
  const notes: string[] = [];
  const agents = await forkSimAgents(1);
  const port = agents.ports[0]!;
  const count = async () => (await agents.stats()).requests[0]!;
  const reader = createPduReader({
    source: 'pdu1',
    target: target(port, 'public'),
    layoutRefreshMs: 3_600_000,
  });
  let exporter: Exporter | undefined;
  const comparisons: Comparison[] = [];
  try {
    let before = await count();
    const first = await reader.read();
    const layoutRequests = (await count()) - before;
    if (!first.layoutRefreshed) throw new Error('the first read did not read the layout');
    const layout = reader.layout!;
    const oids = pollOids(layout).length;
    const outlets = layout.units.reduce((n, u) => n + u.outlets.length, 0);
    before = await count();
    const steady = await reader.read();
    const steadyRequests = (await count()) - before;
    const poll = {
      outlets,
      oids,
      layoutRequests,
      steadyRequests,
      clientRequests: steady.requests,
      maxVarbinds: reader.client.maxVarbinds,
    };
    const hardware = await hardwarePoll();

    if (!existsSync(EXPORTER_BIN)) {
      // Without the peer, still our own poll-cycle time with the new columns, for the record.
      const sim3 = await forkHardwareSim();
      try {
        const times: number[] = [];
        for (let i = -3; i < runs; i++) {
          const t = performance.now();
          await sim3.reader.read();
          if (i >= 0) times.push(performance.now() - t);
        }
        hardware.steadyMs = median(times);
      } finally {
        await sim3.stop();
      }
      notes.push(`prometheus-snmp-exporter skipped: ${EXPORTER_BIN} not found; install: ${EXPORTER_INSTALL}`);
    } else {
      const snmpsim = hasSnmpsim() && hasFixture(`${WALK}.snmprec`);
      exporter = await startExporter([
        { name: 'raritan', community: 'public', maxRepetitions },
        { name: 'raritan_px3_walk', community: WALK, maxRepetitions },
        { name: 'raritan_hardware', community: 'public', maxRepetitions, hardware: true },
      ]);
      comparisons.push(
        await compare({
          agent: 'simulated PX3-5892 (36 outlets)',
          reader,
          exporter,
          exporterTarget: `127.0.0.1:${port}`,
          module: 'raritan',
          count,
        }),
      );
      const sim3 = await forkHardwareSim();
      try {
        comparisons.push(
          await compare({
            agent: 'simulated 3-phase PX3 (36 outlets, 6 protectors, 4 sensors)',
            reader: sim3.reader,
            exporter,
            exporterTarget: `127.0.0.1:${sim3.port}`,
            module: 'raritan_hardware',
          }),
        );
      } finally {
        await sim3.stop();
      }
      if (!snmpsim) {
        notes.push(
          hasSnmpsim()
            ? `snmpsim comparison skipped: ${fixtureSkipMessage(`${WALK}.snmprec`)}`
            : 'snmpsim comparison skipped: snmpsimd not found (apt-get install snmpsim)',
        );
      } else {
        // 40 varbinds per response, as the reader-snmpsim test: a real agent's ~1,500-byte limit.
        const sim = await startSnmpsim([fixturePath(`${WALK}.snmprec`)], { maxVarbinds: 40 });
        const walkReader = createPduReader({
          source: WALK,
          target: target(sim.port, sim.community),
          layoutRefreshMs: 3_600_000,
        });
        try {
          await walkReader.read();
          comparisons.push(
            await compare({
              agent: 'real PX3 walk on snmpsim (24 outlets)',
              reader: walkReader,
              exporter,
              exporterTarget: `127.0.0.1:${sim.port}`,
              module: 'raritan_px3_walk',
            }),
          );
        } finally {
          walkReader.close();
          await sim.stop();
        }
      }
    }
    report(poll, hardware, comparisons, notes, { json: args.json === true, runs, maxRepetitions });
  } finally {
    reader.close();
    await exporter?.stop();
    await agents.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
