import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { type ReplayAgent, startReplayAgent } from '../../bridge/sim/replay.ts';
import { fixturePath, fixtureSkipMessage, hasFixture } from '../../support/fixtures.ts';
import { runCli } from '../helpers/cli.ts';

/** `probe` shows lines, protectors, external sensors, alarms and enabled thresholds, as table and JSON. */

interface ProbeUnit {
  lines: Record<string, Record<string, number | null>> | null;
  unbalanced_current: number | null;
  alarms: Record<string, string>;
  thresholds: Record<string, Record<string, number>>;
  breakers: { label: string; tripped: boolean | null; outlets: number[]; alarms: Record<string, string> }[];
  sensors: {
    id: string;
    name: string;
    type: string;
    value: number | null;
    unit: string | null;
    state: string;
  }[];
  outlets: { outlet: number; thresholds: Record<string, Record<string, number>>; breaker: string | null }[];
}

const probeArgs = (port: number, ...rest: string[]) => [
  'probe',
  '--host',
  '127.0.0.1',
  '--port',
  String(port),
  ...rest,
];

describe('probe on a 3-phase simulated PX3 with protectors and sensors', () => {
  let agent: SimAgent;
  beforeAll(async () => {
    agent = await startSimAgent({ model: { outlets: 36, phases: 3 } });
    agent.model.tripBreaker(1, 4, Date.now());
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it('prints the lines, the protectors with the tripped one, the sensors and the alarms', async () => {
    const r = await runCli(probeArgs(agent.port));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^line\s+A\s+V L-L\s+V L-N/m);
    expect(r.stdout).toMatch(/^L2\s+\d+\.\d{3}\s+39\d\s+22\d/m);
    expect(r.stdout).toMatch(/^C4\s+—\s+breaker_1_pole\s+16\s+0\.000\s+TRIPPED\s+19,20,21,22,23,24$/m);
    expect(r.stdout).toMatch(
      /Rack inlet temperature\s+temperature\s+\d+(\.\d)? °C\s+normal\s+LC 10 LW 15 UW 30 UC 35/,
    );
    expect(r.stdout).toMatch(/^ {2}breaker C4: state open$/m);
  });

  it('prints the same as JSON, with the enabled thresholds', async () => {
    const r = await runCli(probeArgs(agent.port, '--json'));
    expect(r.code).toBe(0);
    const unit = (JSON.parse(r.stdout) as { units: ProbeUnit[] }).units[0]!;
    expect(Object.keys(unit.lines!)).toEqual(['L1', 'L2', 'L3', 'N']);
    expect(Object.keys(unit.lines!.N!)).toEqual(['current']);
    expect(unit.unbalanced_current).toEqual(expect.any(Number));
    expect(unit.breakers).toHaveLength(6);
    expect(unit.breakers[3]).toMatchObject({ label: 'C4', tripped: true, alarms: { state: 'open' } });
    expect(unit.sensors.map((s) => s.type)).toEqual(['temperature', 'humidity', 'door', 'water']);
    expect(unit.outlets[0]).toMatchObject({
      thresholds: { current: { upper_warning: 6.5, upper_critical: 8 } },
      breaker: 'C1',
    });
    expect(unit.thresholds['lines.L1.current']).toEqual({ upper_warning: 25.6, upper_critical: 28.8 });
  });
});

const WALK = 'raritan-pdu_px3.snmprec';
const have = hasFixture(WALK);
if (!have) console.warn(fixtureSkipMessage(WALK));

describe.skipIf(!have)('probe on the real PX3 walk (replayed)', () => {
  let agent: ReplayAgent;
  beforeAll(async () => {
    agent = await startReplayAgent({ file: fixturePath(WALK) });
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it('reads its eight external sensors, its protectors and its outlets thresholds', async () => {
    const r = await runCli(probeArgs(agent.port, '--json'));
    expect(r.code).toBe(0);
    const unit = (JSON.parse(r.stdout) as { units: ProbeUnit[] }).units[0]!;
    expect(unit.lines).toBeNull();
    expect(unit.sensors.map((s) => [s.type, s.value, s.unit, s.state])).toEqual([
      ['temperature', 23.1, '°C', 'normal'],
      ['temperature', 29.8, '°C', 'normal'],
      ['door', null, null, 'closed'],
      ['door_lock', null, null, 'closed'],
      ['door_handle', null, null, 'closed'],
      ['door', null, null, 'closed'],
      ['door_lock', null, null, 'closed'],
      ['door_handle', null, null, 'closed'],
    ]);
    expect(unit.outlets[0]!.thresholds.current).toEqual({ upper_warning: 6.5, upper_critical: 8 });
    expect(unit.outlets[0]!.breaker).toBe(unit.breakers[0]!.label);
    expect(unit.breakers[0]!.outlets).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const table = await runCli(probeArgs(agent.port));
    expect(table.stdout).toContain('R03 Front Door Lock');
    expect(table.stdout).toMatch(/^alarms: none$/m);
  });
});
