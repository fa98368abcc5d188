/**
 * The SNMP bench's 3-phase part (bench/snmp.ts): a simulated 36-outlet 3-phase PX3 with 6 overcurrent
 * protectors and 4 external sensors, the unit of DESIGN's "≤ 10 requests per steady poll with 3 poles,
 * 6 breakers, 4 external sensors and the alarm states". Requests are counted by the agent (in this
 * process: counting needs no timing); the poll-cycle comparison runs against the same simulator started
 * as `raritan2mqtt sim --phases 3` in its own process, so neither client pays for the agent's CPU.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { requestCount, startSimAgent } from '../bridge/sim/agent.ts';
import { pollOids } from '../bridge/snmp/decode.ts';
import { createPduReader, type PduReader } from '../bridge/snmp/reader.ts';
import type { SnmpTarget } from '../bridge/snmp/session.ts';
import { freeUdpPort } from '../support/ports.ts';
import { TARGETS } from './targets.ts';

export const TARGET_HARDWARE_REQUESTS = TARGETS.snmpRequestsHardware;

export interface HardwarePoll {
  outlets: number;
  lines: number;
  breakers: number;
  sensors: number;
  oids: number;
  layoutRequests: number;
  steadyRequests: number;
  clientRequests: number;
  /** Our steady read's median time against the forked 3-phase simulator, when measured without the exporter. */
  steadyMs?: number;
}

const MODEL = { outlets: 36, phases: 3 as const };

export function benchTarget(port: number, community: string): SnmpTarget {
  // The config's defaults: 3 s timeout, one retry, 60 varbinds to start with.
  return { host: '127.0.0.1', port, version: '2c', community, timeout: 3000, retries: 1, maxVarbinds: 60 };
}

/** Layout and steady-poll requests of the 3-phase unit, as its agent counts them. */
export async function hardwarePoll(): Promise<HardwarePoll> {
  const agent = await startSimAgent({ model: MODEL });
  const reader = createPduReader({
    source: 'px3',
    target: benchTarget(agent.port, 'public'),
    layoutRefreshMs: 3_600_000,
  });
  try {
    const first = await reader.read();
    const layoutRequests = requestCount(agent.stats);
    agent.resetStats();
    const steady = await reader.read();
    const unit = steady.units[0]!;
    if (!first.layoutRefreshed || steady.layoutRefreshed) throw new Error('the 3-phase reads went wrong');
    return {
      outlets: unit.outlets.length,
      lines: Object.keys(unit.lines).length,
      breakers: unit.breakers.length,
      sensors: unit.sensors.length,
      oids: pollOids(reader.layout!).length,
      layoutRequests,
      steadyRequests: requestCount(agent.stats),
      clientRequests: steady.requests,
    };
  } finally {
    reader.close();
    await agent.stop();
  }
}

/** `raritan2mqtt sim --phases 3` in its own process, and a reader of it that has read its layout. */
export async function forkHardwareSim(): Promise<{ port: number; reader: PduReader; stop(): Promise<void> }> {
  const port = await freeUdpPort();
  const bin = join(import.meta.dirname, '..', 'bin', 'raritan2mqtt.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, 'sim', '--port', String(port), '--outlets', String(MODEL.outlets), '--phases', '3'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const reader = createPduReader({
    source: 'px3',
    target: benchTarget(port, 'public'),
    layoutRefreshMs: 3_600_000,
  });
  const stop = async () => {
    reader.close();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await reader.read();
      return { port, reader, stop };
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`raritan2mqtt sim --phases 3 did not answer: ${String(error)}`);
      }
      reader.invalidate();
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
