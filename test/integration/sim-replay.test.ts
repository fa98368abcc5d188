import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayAgent, startReplayAgent } from '../../bridge/sim/replay.ts';
import { parseSnmprec } from '../../bridge/sim/snmprec.ts';
import { OUTLET_CONFIG, OUTLET_MEASUREMENT, SYS_DESCR, SYS_OBJECT_ID } from '../../bridge/snmp/mib.ts';
import { compareOids } from '../../bridge/snmp/oid.ts';
import { fixturePath, fixtureSkipMessage, hasFixture, readFixture } from '../../support/fixtures.ts';
import { bulkWalk, closeAll, get, open, set } from './sim-client.ts';

const WALK = 'raritan-pdu_px3.snmprec';
const present = hasFixture(WALK);
if (!present) console.warn(fixtureSkipMessage(WALK));

describe('replay agent: a small inline walk', () => {
  let agent: ReplayAgent;
  beforeAll(async () => {
    // Deliberately unsorted, with a Counter64 and a hex string.
    const text = [
      '1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.13742.6',
      '1.3.6.1.2.1.1.1.0|4|test walk',
      '1.3.6.1.2.1.31.1.1.1.6.2|70|18446744073709551615',
      '1.3.6.1.2.1.2.2.1.6.2|4x|000000000005',
      '1.3.6.1.2.1.1.10.0|2|-7',
      '1.3.6.1.2.1.1.9.0|66|4294967295',
    ].join('\n');
    agent = await startReplayAgent({ text });
  });
  afterAll(async () => {
    closeAll();
    await agent.stop();
  });

  it('walks in numeric OID order and encodes every type', async () => {
    const rows = await bulkWalk(open(agent.port), '1.3.6.1.2.1', 3);
    expect(rows.map((r) => r.oid)).toEqual([
      '1.3.6.1.2.1.1.1.0',
      '1.3.6.1.2.1.1.2.0',
      '1.3.6.1.2.1.1.9.0',
      '1.3.6.1.2.1.1.10.0',
      '1.3.6.1.2.1.2.2.1.6.2',
      '1.3.6.1.2.1.31.1.1.1.6.2',
    ]);
    expect(rows[2]?.value).toBe(4294967295);
    expect(rows[3]?.value).toBe(-7);
    expect(Buffer.from(rows[4]?.value as Buffer).toString('hex')).toBe('000000000005');
    // net-snmp hands Counter64 back as its BER content: a leading 0 byte keeps it positive.
    expect(BigInt(`0x${Buffer.from(rows[5]?.value as Buffer).toString('hex')}`)).toBe(18446744073709551615n);
  });

  it('is read-only', async () => {
    const write = set(open(agent.port, { community: 'private' }), [
      { oid: SYS_DESCR, type: snmp.ObjectType.OctetString, value: 'x' },
    ]);
    await expect(write).rejects.toMatchObject({ status: snmp.ErrorStatus.NotWritable });
  });
});

describe.skipIf(!present)('replay agent: the real PX3 walk', () => {
  let agent: ReplayAgent;
  const entries = present ? parseSnmprec(readFixture(WALK)) : [];
  beforeAll(async () => {
    agent = await startReplayAgent({ file: fixturePath(WALK) });
  });
  afterAll(async () => {
    closeAll();
    await agent.stop();
  });

  it('serves the walk identity', async () => {
    const [descr, id] = await get(open(agent.port), [SYS_DESCR, SYS_OBJECT_ID]);
    expect(String(descr?.value)).toBe('Raritan PDU, MD:PX3-5493U-K2 HW:0x10 FW:4.2.0.5-50274');
    expect(id?.value).toBe('1.3.6.1.4.1.13742.6');
  });

  it('walks measurementsOutletSensorValue exactly as recorded, in order', async () => {
    const expected = entries
      .filter((e) => e.oid.startsWith(`${OUTLET_MEASUREMENT.value}.`))
      .sort((a, b) => compareOids(a.oid, b.oid));
    const rows = await bulkWalk(open(agent.port), OUTLET_MEASUREMENT.value, 60);
    expect(rows.length).toBe(expected.length);
    expect(rows.length).toBe(24 * 8);
    expect(rows.map((r) => [r.oid, r.value])).toEqual(expected.map((e) => [e.oid, e.value]));
  });

  it('keeps outlet names, including the empty ones', async () => {
    const [one, two] = await get(open(agent.port), [
      `${OUTLET_CONFIG.name}.1.1`,
      `${OUTLET_CONFIG.name}.1.2`,
    ]);
    expect(String(one?.value)).toBe('');
    expect(String(two?.value)).toBe('DEVICE 8:PS1:Planned');
  });
});
