import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeReadings } from '../../bridge/snmp/decode.ts';
import { decodeLayout } from '../../bridge/snmp/layout.ts';
import { createPduReader, type PduReader } from '../../bridge/snmp/reader.ts';
import { fixturePath, fixtureSkipMessage, hasFixture } from '../../support/fixtures.ts';
import { type Snmpsim, startSnmpsim } from '../../support/snmpsim.ts';
import { walkValues } from '../helpers/walk.ts';

const have = hasFixture('raritan-pdu_px3.snmprec') && hasFixture('raritan-pdu_px2.snmprec');
if (!have) console.warn(fixtureSkipMessage('raritan-pdu_px2/px3.snmprec'));

describe.skipIf(!have)('reading the real walks through Debian snmpsim', () => {
  let sim: Snmpsim;
  const readers: PduReader[] = [];
  const reader = (community: string, version: '1' | '2c' = '2c', maxVarbinds = 60) => {
    const r = createPduReader({
      source: community,
      target: {
        host: '127.0.0.1',
        port: sim.port,
        version,
        community,
        timeout: 2000,
        retries: 1,
        maxVarbinds,
      },
      layoutRefreshMs: 300_000,
    });
    readers.push(r);
    return r;
  };

  beforeAll(async () => {
    // 40 varbinds per response, like a real agent's ~1,500-byte limit: batches must split.
    sim = await startSnmpsim(
      [fixturePath('raritan-pdu_px3.snmprec'), fixturePath('raritan-pdu_px2.snmprec')],
      {
        maxVarbinds: 40,
      },
    );
  });
  afterAll(async () => {
    for (const r of readers) r.close();
    await sim?.stop();
  });

  it('decodes the PX3 over the wire exactly as from the file', async () => {
    const r = reader('raritan-pdu_px3');
    const first = await r.read(0);
    const values = walkValues('raritan-pdu_px3.snmprec');
    const expected = decodeReadings(decodeLayout(values), values, { source: 'raritan-pdu_px3', time: 0 });
    expect(first.problems).toEqual([]);
    expect(first.units).toEqual(expected.units);
    expect(first.layoutRefreshed).toBe(true);
    const steady = await r.read(1);
    expect(steady.layoutRefreshed).toBe(false);
    expect(steady.units[0]!.outlets).toEqual(expected.units[0]!.outlets);
    // 206 OIDs (24 outlets): values and the two states that change, in a handful of GETs.
    expect(steady.requests).toBeLessThanOrEqual(8);
  });

  it('decodes the PX2 over SNMPv1 too, without inventing sensors', async () => {
    const r = reader('raritan-pdu_px2', '1');
    const result = await r.read(0);
    const unit = result.units[0]!;
    expect(unit.outlets).toHaveLength(12);
    expect(unit.outlets[9]).toMatchObject({ current: 0.184, power: 35, voltage: null, energy: null });
  });

  it('says clearly when the community is wrong (snmpsim, like real agents, stays silent)', async () => {
    const r = createPduReader({
      source: 'x',
      target: {
        host: '127.0.0.1',
        port: sim.port,
        version: '2c',
        community: 'wrong',
        timeout: 300,
        retries: 0,
      },
      layoutRefreshMs: 300_000,
    });
    readers.push(r);
    await expect(r.read()).rejects.toMatchObject({ kind: 'timeout' });
  });
});
