import type { PduReading } from '../readings.ts';
import type { Db } from './db.ts';
import { channelKey, type HardwareChannel, hardwareValues } from './hardware-channels.ts';
import { HW_LEVEL_TABLE, HW_SAMPLE_TABLE } from './hardware-schema.ts';
import { addSample, emptyAgg, encodeOutlets } from './packed.ts';
import { createRollupBuffer } from './rollup.ts';

/**
 * Records a unit's hardware series (hardware-channels.ts) beside its outlets, called by the recorder
 * (recorder.ts) for every poll it records, inside its transaction: the raw sample as one packed row,
 * and the same 15-minute, hourly and daily buckets as the outlets through the one rollup buffer
 * (rollup.ts). A unit with no line, protector or numeric sensor writes nothing.
 */

export interface StoredChannel extends HardwareChannel {
  ch: number;
}

export interface HardwareRecorder {
  /** One poll of one unit (`pdu` its row id, `ts` s), already accepted by the recorder. */
  ingest(pdu: number, ts: number, r: PduReading, raw: boolean): void;
  flush(): void;
  /** After a failed transaction: forget caches, re-read from the tables. */
  clear(): void;
}

interface UnitChannels {
  byKey: Map<string, StoredChannel>;
  next: number;
}

export function createHardwareRecorder(db: Db): HardwareRecorder {
  const q = {
    channels: db.prepare<[number], StoredChannel>(
      'SELECT ch, kind, key, field, unit, name FROM hw_channel WHERE pdu = ? ORDER BY ch',
    ),
    putChannel: db.prepare(
      'INSERT OR REPLACE INTO hw_channel (pdu, ch, kind, key, field, unit, name) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    // A second poll within the same second keeps the newer readings (the recorder's rule for samples).
    sample: db.prepare(`INSERT OR REPLACE INTO ${HW_SAMPLE_TABLE} (pdu, ts, data) VALUES (?, ?, ?)`),
  };
  const rollups = createRollupBuffer(db, HW_LEVEL_TABLE);
  let units = new Map<number, UnitChannels>();

  const channels = (pdu: number): UnitChannels => {
    let u = units.get(pdu);
    if (!u) {
      const rows = q.channels.all(pdu);
      u = {
        byKey: new Map(rows.map((c) => [channelKey(c), c])),
        next: rows.reduce((m, c) => Math.max(m, c.ch), 0) + 1,
      };
      units.set(pdu, u);
    }
    return u;
  };

  return {
    ingest(pdu, ts, r, keepRaw) {
      const values = hardwareValues(r);
      if (values.length === 0) return;
      const u = channels(pdu);
      rollups.begin(pdu, ts);
      let slots = 0;
      const chs = values.map((v) => {
        const key = channelKey(v);
        let c = u.byKey.get(key);
        if (!c || c.name !== v.name) {
          c = { ch: c?.ch ?? u.next++, kind: v.kind, key: v.key, field: v.field, unit: v.unit, name: v.name };
          q.putChannel.run(pdu, c.ch, c.kind, c.key, c.field, c.unit, c.name);
          u.byKey.set(key, c);
        }
        if (c.ch > slots) slots = c.ch;
        return c.ch;
      });
      // The raw row: one sample per channel (a few dozen numbers: allocated per poll).
      const raw = keepRaw ? emptyAgg(slots + 1) : undefined;
      values.forEach((v, i) => {
        const ch = chs[i] as number;
        rollups.add(ch, v.v, 0, false);
        if (raw) addSample(raw, ch, v.v, 0, false);
      });
      if (raw) q.sample.run(pdu, ts, encodeOutlets(raw));
    },
    flush: () => void rollups.flush(),
    clear() {
      units = new Map();
      rollups.clear();
    },
  };
}
