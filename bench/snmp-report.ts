/** The SNMP benchmark's JSON and its report (table + verdict line, or JSON): bench/snmp.ts measures. */
import { pass, row } from './lib.ts';
import { type HardwarePoll, TARGET_HARDWARE_REQUESTS } from './snmp-hardware.ts';
import { TARGETS } from './targets.ts';

const TARGET_REQUESTS = TARGETS.snmpRequests;

export interface Side {
  medianMs: number;
  /** Requests per read/scrape as the agent counted them (undefined where the agent cannot count). */
  requests: number | undefined;
}

export interface Comparison {
  agent: string;
  ours: Side & { clientRequests: number };
  exporter: Side & { samples: number; walkMs: number | undefined };
  /** ours ÷ exporter, medians: ≤ 1 is the target. */
  ratio: number;
  /** ours ÷ the exporter's own walk time (its SNMP part, without HTTP and text formatting). */
  walkRatio: number | undefined;
}

/** What `--json` prints (scripts/readme-bench.ts renders the README's table from it). */
export interface SnmpBench {
  poll: {
    outlets: number;
    oids: number;
    layoutRequests: number;
    steadyRequests: number;
    clientRequests: number;
    maxVarbinds: number;
  };
  /** The 3-phase unit with protectors and external sensors (bench/snmp-hardware.ts). */
  hardware: HardwarePoll;
  comparisons: Comparison[];
  notes: string[];
  /** speed: undefined when no comparison ran (no exporter installed). */
  verdict: { requests: boolean; hardwareRequests: boolean; speed: boolean | undefined };
}

export function report(
  poll: SnmpBench['poll'],
  hardware: HardwarePoll,
  comparisons: Comparison[],
  notes: string[],
  opts: { json: boolean; runs: number; maxRepetitions: number },
): void {
  const { runs, maxRepetitions } = opts;
  const verdict = {
    requests: poll.steadyRequests <= TARGET_REQUESTS,
    hardwareRequests: hardware.steadyRequests <= TARGET_HARDWARE_REQUESTS,
    // Skipped comparisons are not a pass: the verdict says so.
    speed: comparisons.length > 0 ? comparisons.every((c) => c.ratio <= TARGETS.pollRatio) : undefined,
  };
  if (opts.json) {
    console.log(JSON.stringify({ poll, hardware, comparisons, notes, verdict } satisfies SnmpBench, null, 2));
  } else {
    console.log(
      `SNMP benchmark: simulated ${poll.outlets}-outlet PX3-5892 (1,472-byte messages) in its own process; ` +
        `exporter max_repetitions ${maxRepetitions}`,
    );
    row(
      'requests, steady poll (agent-counted)',
      `${poll.steadyRequests} (client says ${poll.clientRequests})`,
    );
    row('requests, GET per OID (OIDs a poll reads)', `${poll.oids}`);
    row('requests, layout refresh (at start, every 5 min)', `${poll.layoutRequests}`);
    row('varbinds per request the agent accepted', `${poll.maxVarbinds}`);
    row(
      `requests, steady poll, 3-phase (${hardware.lines} poles, ${hardware.breakers} protectors, ${hardware.sensors} sensors)`,
      `${hardware.steadyRequests} (client says ${hardware.clientRequests}), ${hardware.oids} OIDs; layout ${hardware.layoutRequests}`,
    );
    if (hardware.steadyMs !== undefined)
      row(
        'poll cycle, 3-phase, raritan2mqtt steady read',
        `${hardware.steadyMs.toFixed(2)} ms (median of ${runs})`,
      );
    for (const c of comparisons) {
      const req = (n: number | undefined) => (n === undefined ? '' : `, ${n.toFixed(1)} requests`);
      const ourReq =
        c.ours.requests === undefined
          ? `, ${c.ours.clientRequests.toFixed(1)} requests (client-counted)`
          : req(c.ours.requests);
      console.log(`  against ${c.agent}, median of ${runs} interleaved cycles:`);
      row('  poll cycle, raritan2mqtt steady read', `${c.ours.medianMs.toFixed(2)} ms${ourReq}`);
      row(
        '  poll cycle, snmp_exporter 0.21 scrape',
        `${c.exporter.medianMs.toFixed(2)} ms${req(c.exporter.requests)}, ${c.exporter.samples} samples` +
          (c.exporter.walkMs === undefined ? '' : ` (its walk: ${c.exporter.walkMs.toFixed(2)} ms)`),
      );
      row(
        '  ratio raritan2mqtt / exporter',
        `${c.ratio.toFixed(2)} (scrape)` +
          (c.walkRatio === undefined ? '' : `, ${c.walkRatio.toFixed(2)} (its walk alone)`),
      );
    }
    for (const n of notes) console.log(`  note: ${n}`);
    const ratios = comparisons.map((c) => c.ratio.toFixed(2)).join(', ');
    console.log(
      `verdict: requests ${pass(verdict.requests)} (${poll.steadyRequests} ≤ ${TARGET_REQUESTS}), ` +
        `3-phase ${pass(verdict.hardwareRequests)} (${hardware.steadyRequests} ≤ ${TARGET_HARDWARE_REQUESTS}), ` +
        (verdict.speed === undefined
          ? 'poll cycle SKIPPED (no exporter)'
          : `poll cycle ${pass(verdict.speed)} (ours/exporter ${ratios} ≤ ${TARGETS.pollRatio})`),
    );
  }
  if (!verdict.requests || !verdict.hardwareRequests || verdict.speed === false) process.exitCode = 1;
}
