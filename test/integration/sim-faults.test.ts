import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { createSimModel } from '../../bridge/sim/model.ts';
import {
  INLET_CONFIG,
  INLET_MEASUREMENT,
  OUTLET_MEASUREMENT,
  OUTLET_RATING,
  SensorType,
  UNIT_CONFIG,
} from '../../bridge/snmp/mib.ts';
import { closeAll, get, open } from './sim-client.ts';

/** The simulator misbehaving on purpose, as the energy fault tests need it, seen over SNMP. */

const NOW = Date.UTC(2025, 5, 3, 13, 0);
let now = NOW;
const model = createSimModel();
const loaded =
  Array.from({ length: 36 }, (_, i) => model.profile(1, i + 1)).findIndex(
    (p) => p.kind === 'server' && p.initiallyOn,
  ) + 1;
const energyOid = (outlet: number) => `${OUTLET_MEASUREMENT.value}.1.${outlet}.${SensorType.activeEnergy}`;
let agent: SimAgent;

beforeAll(async () => {
  agent = await startSimAgent({ model, clock: () => now });
});
afterAll(async () => {
  closeAll();
  await agent.stop();
});

describe('sim agent: fault hooks', () => {
  it('serves the nameplate the energy bound is read from', async () => {
    const vbs = await get(open(agent.port), [
      `${OUTLET_RATING.voltage}.1.${loaded}`,
      `${OUTLET_RATING.current}.1.${loaded}`,
      `${INLET_CONFIG.poleCount}.1.1`,
      `${INLET_CONFIG.ratedVoltage}.1.1`,
      `${INLET_CONFIG.ratedCurrent}.1.1`,
    ]);
    expect(vbs.map((v) => String(v.value))).toEqual(['200-240V', '10A', '2', '200-240V', '32A']);
  });

  it('a one-read glitch: the next read of a counter is the given raw value, then normal again', async () => {
    const s = open(agent.port);
    const counter = model.sample(1, loaded, now).energyCounter;
    model.serveValue(1, loaded, SensorType.activeEnergy, 2 ** 32 - 1);
    const [glitch] = await get(s, [energyOid(loaded)]);
    expect(glitch).toMatchObject({ type: snmp.ObjectType.Gauge, value: 2 ** 32 - 1 });
    const [after] = await get(s, [energyOid(loaded)]);
    expect(after?.value).toBe(counter);
  });

  it('a wrongly typed value: an Integer -2,000,000,000 in the Unsigned32 column, for as long as asked', async () => {
    const s = open(agent.port);
    model.serveValue(1, loaded, SensorType.activeEnergy, -2_000_000_000, { type: 'integer', reads: 2 });
    const reads = [await get(s, [energyOid(loaded)]), await get(s, [energyOid(loaded)])];
    for (const [vb] of reads)
      expect(vb).toMatchObject({ type: snmp.ObjectType.Integer, value: -2_000_000_000 });
    const volts = `${INLET_MEASUREMENT.value}.1.1.${SensorType.rmsVoltage}`;
    model.serveValue(1, 0, SensorType.rmsVoltage, 4_294_967_295, { reads: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 3; i++) expect((await get(s, [volts]))[0]?.value).toBe(4_294_967_295);
    model.clearValue(1, 0, SensorType.rmsVoltage);
    expect((await get(s, [volts]))[0]?.value).toBe(Math.round(model.inletSample(1, now).voltage));
    expect((await get(s, [energyOid(loaded)]))[0]?.type).toBe(snmp.ObjectType.Gauge);
  });

  it('a step back by N Wh: the counter stays N lower from then on', async () => {
    const s = open(agent.port);
    const before = model.sample(1, loaded, now).energyCounter;
    model.stepEnergy(1, loaded, -5, now);
    expect((await get(s, [energyOid(loaded)]))[0]?.value).toBe(before - 5);
    now += 60_000;
    expect((await get(s, [energyOid(loaded)]))[0]?.value).toBe(model.sample(1, loaded, now).energyCounter);
    expect(model.sample(1, loaded, now).energyCounter).toBeLessThan(before - 5 + 20);
  });

  it('an outlet count that changes: outletCount reads 24, then 36 again', async () => {
    const s = open(agent.port);
    const count = async () => (await get(s, [`${UNIT_CONFIG.outletCount}.1`]))[0]?.value;
    model.setOutletCount(1, 24);
    expect(await count()).toBe(24);
    model.setOutletCount(1, null);
    expect(await count()).toBe(36);
    expect(() => model.setOutletCount(1, 37)).toThrow(RangeError);
  });
});
