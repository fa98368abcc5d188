import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimAgent, startSimAgent } from '../../bridge/sim/agent.ts';
import { createSimModel } from '../../bridge/sim/model.ts';
import { scaled } from '../../bridge/sim/pdu-backend.ts';
import {
  INLET_MEASUREMENT,
  INLET_SENSOR_CONFIG,
  NAMEPLATE,
  OUTLET_CONFIG,
  OUTLET_MEASUREMENT,
  OUTLET_SENSOR_CONFIG,
  OUTLET_SENSOR_RESET,
  OUTLET_SWITCH,
  PDU_COUNT,
  SensorState,
  SensorType,
  SYS_DESCR,
  UNIT_CONFIG,
} from '../../bridge/snmp/mib.ts';
import { bulkWalk, closeAll, get, open, set } from './sim-client.ts';

const run = promisify(execFile);
const NOW = Date.UTC(2025, 5, 3, 13, 0);
let now = NOW;
const model = createSimModel({ units: 2 });
const kinds = Array.from({ length: 36 }, (_, i) => model.profile(1, i + 1));
const loaded = kinds.findIndex((p) => p.kind === 'server' && p.initiallyOn) + 1;
const idle = kinds.findIndex((p) => p.kind === 'idle') + 1;
const USER = {
  name: 'ops',
  authProtocol: 'sha256',
  authKey: 'auth-secret-1',
  privProtocol: 'aes',
  privKey: 'priv-secret-1',
} as const;
let agent: SimAgent;

beforeAll(async () => {
  agent = await startSimAgent({
    model,
    clock: () => now,
    users: [USER, { name: 'reader', authProtocol: 'sha', authKey: 'reader-auth-1', access: 'ro' }],
  });
});
afterAll(async () => {
  closeAll();
  await agent.stop();
});

describe('sim agent: values', () => {
  it('serves identity, counts and the PX3 decimals', async () => {
    const s = open(agent.port);
    const vbs = await get(s, [
      SYS_DESCR,
      PDU_COUNT,
      `${NAMEPLATE.model}.1`,
      `${NAMEPLATE.serial}.2`,
      `${UNIT_CONFIG.outletCount}.1`,
      `${OUTLET_CONFIG.label}.1.36`,
    ]);
    expect(vbs.map((v) => String(v.value))).toEqual([
      'Raritan PDU, MD:PX3-5892 HW:0x10 FW:4.2.0.5-50274',
      '2',
      'PX3-5892',
      model.identity(2).serial,
      '36',
      '36',
    ]);
    const types = [1, 4, 5, 6, 7, 8];
    const dec = await get(
      s,
      types.map((t) => `${OUTLET_SENSOR_CONFIG.decimals}.1.${loaded}.${t}`),
    );
    expect(dec.map((v) => v.value)).toEqual([3, 0, 0, 0, 2, 0]);
    const inletDec = await get(s, [`${INLET_SENSOR_CONFIG.decimals}.1.1.${SensorType.frequency}`]);
    expect(inletDec[0]?.value).toBe(1);
  });

  it('serves exactly model.sample scaled by the decimals, at the agent clock', async () => {
    const s = open(agent.port);
    const truth = model.sample(1, loaded, NOW);
    const oid = (t: number) => `${OUTLET_MEASUREMENT.value}.1.${loaded}.${t}`;
    const vbs = await get(s, [1, 4, 5, 6, 7, 8].map(oid));
    expect(vbs.map((v) => v.value)).toEqual([
      scaled(1, truth.current),
      scaled(4, truth.voltage),
      scaled(5, truth.power),
      scaled(6, truth.apparentPower),
      scaled(7, truth.powerFactor ?? 0),
      truth.energyCounter,
    ]);
    expect(Number(vbs[0]?.value)).toBeGreaterThan(0);
    const inlet = model.inletSample(1, NOW);
    const iv = await get(s, [`${INLET_MEASUREMENT.value}.1.1.23`, `${INLET_MEASUREMENT.value}.1.1.5`]);
    expect(iv.map((v) => v.value)).toEqual([Math.round(inlet.frequency * 10), Math.round(inlet.power)]);
  });

  it('reports an idle outlet power factor as unavailable (-1), not 0', async () => {
    const s = open(agent.port);
    const [avail, state, cur] = await get(s, [
      `${OUTLET_MEASUREMENT.isAvailable}.1.${idle}.7`,
      `${OUTLET_MEASUREMENT.state}.1.${idle}.7`,
      `${OUTLET_MEASUREMENT.value}.1.${idle}.1`,
    ]);
    expect([avail?.value, state?.value, cur?.value]).toEqual([1, SensorState.unavailable, 0]);
  });

  it('walks a column with GETBULK, complete and in order, cut to the message size', async () => {
    const s = open(agent.port);
    agent.resetStats();
    const rows = await bulkWalk(s, OUTLET_MEASUREMENT.value, 200);
    const unit1 = rows.filter((r) => r.oid.startsWith(`${OUTLET_MEASUREMENT.value}.1.`));
    expect(unit1.length).toBe(36 * 7);
    expect(rows.length).toBe(72 * 7);
    const keys = rows.map((r) => r.oid.split('.').slice(-3).map(Number));
    for (let i = 1; i < keys.length; i++) {
      const [a, b] = [keys[i - 1]!, keys[i]!];
      expect(a[0]! * 1e6 + a[1]! * 1e3 + a[2]!).toBeLessThan(b[0]! * 1e6 + b[1]! * 1e3 + b[2]!);
    }
    expect(agent.stats.truncated).toBeGreaterThan(0);
    expect(agent.stats.getBulk).toBeGreaterThan(5);
  });

  it('answers tooBig to a GET whose response would not fit', async () => {
    const s = open(agent.port);
    agent.resetStats();
    const oids = Array.from({ length: 36 }, (_, i) => [
      `${OUTLET_CONFIG.name}.1.${i + 1}`,
      `${OUTLET_CONFIG.label}.1.${i + 1}`,
    ]).flat();
    await expect(get(s, oids)).rejects.toMatchObject({ status: snmp.ErrorStatus.TooBig });
    expect(agent.stats).toMatchObject({ get: 1, tooBig: 1 });
    await expect(get(s, oids.slice(0, 20))).resolves.toHaveLength(20);
  });

  it('serves v1 with noSuchName for missing objects', async () => {
    const s = open(agent.port, { version: snmp.Version1 });
    await expect(get(s, [SYS_DESCR])).resolves.toHaveLength(1);
    await expect(get(s, [`${OUTLET_CONFIG.name}.1.99`])).rejects.toMatchObject({
      status: snmp.ErrorStatus.NoSuchName,
    });
  });

  it('gives no answer to a wrong community, or while paused', async () => {
    await expect(get(open(agent.port, { community: 'nope' }), [SYS_DESCR])).rejects.toThrow(/timed out/i);
    agent.pause();
    await expect(get(open(agent.port), [SYS_DESCR])).rejects.toThrow(/timed out/i);
    agent.resume();
    await expect(get(open(agent.port), [SYS_DESCR])).resolves.toHaveLength(1);
    expect(agent.stats.dropped).toBeGreaterThan(0);
    expect(agent.stats.refused).toBeGreaterThan(0);
  });
  it('serves the test hooks: an unavailable sensor, and an energy counter wrapping at 2^32', async () => {
    const s = open(agent.port);
    model.setSensorAvailable(1, 2, SensorType.rmsCurrent, false);
    const cols = [OUTLET_MEASUREMENT.isAvailable, OUTLET_MEASUREMENT.state, OUTLET_MEASUREMENT.value];
    const gone = await get(
      s,
      cols.map((c) => `${c}.1.2.1`),
    );
    expect(gone.map((v) => v.value)).toEqual([2, SensorState.unavailable, 0]);
    model.setSensorAvailable(1, 2, SensorType.rmsCurrent, true);

    const energyOid = `${OUTLET_MEASUREMENT.value}.1.${loaded}.8`;
    model.setEnergyCounter(1, loaded, 2 ** 32 - 3, now);
    expect((await get(s, [energyOid]))[0]?.value).toBe(2 ** 32 - 3);
    now += 3_600_000;
    const wrapped = Number((await get(s, [energyOid]))[0]?.value);
    expect(wrapped).toBe(model.sample(1, loaded, now).energyCounter);
    expect(wrapped).toBeLessThan(1000);
  });
});

describe('sim agent: writes', () => {
  const nameOid = `${OUTLET_CONFIG.name}.1.3`;

  it('renames an outlet with the write community, and reads it back', async () => {
    await set(open(agent.port, { community: 'private' }), [
      { oid: nameOid, type: snmp.ObjectType.OctetString, value: 'db-01 PSU1' },
    ]);
    expect(model.outletName(1, 3)).toBe('db-01 PSU1');
    const [vb] = await get(open(agent.port), [nameOid]);
    expect(String(vb?.value)).toBe('db-01 PSU1');
  });

  it('refuses a SET with the read community and changes nothing', async () => {
    const before = model.outletName(1, 3);
    const write = set(open(agent.port), [
      { oid: nameOid, type: snmp.ObjectType.OctetString, value: 'hacked' },
    ]);
    await expect(write).rejects.toMatchObject({ status: snmp.ErrorStatus.NoAccess });
    expect(model.outletName(1, 3)).toBe(before);
  });

  it('rejects names over 64 characters and writes to read-only objects', async () => {
    const s = open(agent.port, { community: 'private' });
    await expect(
      set(s, [{ oid: nameOid, type: snmp.ObjectType.OctetString, value: 'x'.repeat(65) }]),
    ).rejects.toMatchObject({
      status: snmp.ErrorStatus.WrongLength,
    });
    await expect(
      set(s, [{ oid: `${OUTLET_CONFIG.label}.1.3`, type: snmp.ObjectType.OctetString, value: 'x' }]),
    ).rejects.toMatchObject({
      status: snmp.ErrorStatus.NotWritable,
    });
  });

  it('switches an outlet off and on, and resets its energy counter', async () => {
    const s = open(agent.port, { community: 'private' });
    const Int = snmp.ObjectType.Integer;
    await set(s, [{ oid: `${OUTLET_SWITCH.operation}.1.${loaded}`, type: Int, value: 0 }]);
    now += 60_000;
    const off = await get(s, [
      `${OUTLET_SWITCH.state}.1.${loaded}`,
      `${OUTLET_MEASUREMENT.state}.1.${loaded}.14`,
      `${OUTLET_MEASUREMENT.value}.1.${loaded}.5`,
    ]);
    expect(off.map((v) => v.value)).toEqual([SensorState.off, SensorState.off, 0]);
    await set(s, [{ oid: `${OUTLET_SWITCH.operation}.1.${loaded}`, type: Int, value: 1 }]);
    await expect(
      set(s, [{ oid: `${OUTLET_SENSOR_RESET}.1.${loaded}.8`, type: Int, value: 5 }]),
    ).rejects.toMatchObject({
      status: snmp.ErrorStatus.WrongValue,
    });
    await set(s, [{ oid: `${OUTLET_SENSOR_RESET}.1.${loaded}.8`, type: Int, value: 0 }]);
    const [energy, state] = await get(s, [
      `${OUTLET_MEASUREMENT.value}.1.${loaded}.8`,
      `${OUTLET_SWITCH.state}.1.${loaded}`,
    ]);
    expect([energy?.value, state?.value]).toEqual([0, SensorState.on]);
  });
});

describe('sim agent: SNMPv3 and the Debian CLI', () => {
  it('answers authPriv (SHA-256 + AES-128), authNoPriv, and refuses wrong keys', async () => {
    const [vb] = await get(open(agent.port, { user: USER }), [`${NAMEPLATE.serial}.1`]);
    expect(String(vb?.value)).toBe(model.identity(1).serial);
    const reader = {
      name: 'reader',
      level: 'authNoPriv',
      authProtocol: 'sha',
      authKey: 'reader-auth-1',
    } as const;
    await expect(get(open(agent.port, { user: reader }), [SYS_DESCR])).resolves.toHaveLength(1);
    await expect(
      set(open(agent.port, { user: reader }), [{ oid: nameOid(), type: 4, value: 'x' }]),
    ).rejects.toMatchObject({
      status: snmp.ErrorStatus.NoAccess,
    });
    await expect(
      get(open(agent.port, { user: { ...USER, authKey: 'wrong-auth-1' } }), [SYS_DESCR]),
    ).rejects.toThrow();
    await expect(
      get(open(agent.port, { user: { ...USER, privKey: 'wrong-priv-1' } }), [SYS_DESCR]),
    ).rejects.toThrow();
  });

  it('works with snmpget and snmpbulkwalk', async () => {
    const target = `127.0.0.1:${agent.port}`;
    const { stdout } = await run('snmpbulkwalk', [
      '-v2c',
      '-c',
      'public',
      '-On',
      '-Cr50',
      target,
      OUTLET_CONFIG.label,
    ]);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(72);
    expect(lines[0]).toBe(`.${OUTLET_CONFIG.label}.1.1 = STRING: "1"`);
    const v3 = await run('snmpget', [
      ...[
        '-v3',
        '-l',
        'authPriv',
        '-u',
        USER.name,
        '-a',
        'SHA-256',
        '-A',
        USER.authKey,
        '-x',
        'AES',
        '-X',
        USER.privKey,
      ],
      ...['-Oqv', target, `${OUTLET_MEASUREMENT.value}.1.${loaded}.4`],
    ]);
    expect(Number(v3.stdout.trim())).toBe(scaled(4, model.sample(1, loaded, now).voltage));
  });
});

function nameOid(): string {
  return `${OUTLET_CONFIG.name}.1.3`;
}
