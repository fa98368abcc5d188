import { DDL } from './migrate-packed.ts';
import type { Level } from './time.ts';

/**
 * Schema migration 7: the hardware series (hardware-channels.ts). `hw_channel` numbers each series of
 * a unit once (a channel is never renumbered: old rows stay readable when a probe is unplugged); raw
 * samples are one row per unit and poll, and the rollups one row per unit and bucket, every channel
 * packed (packed.ts) with the values in thousandths where the outlets have power in dW, energy 0.
 * The rollup tables have the outlets' columns so one rollup buffer (rollup.ts) writes both; their
 * column part (channel 0) stays empty, the channels start at 1.
 */

export const HW_LEVEL_TABLE: Record<Level, string> = {
  '15m': 'hw_rollup_15m',
  '1h': 'hw_rollup_1h',
  '1d': 'hw_rollup_1d',
};
export const HW_SAMPLE_TABLE = 'hw_sample';

export const HARDWARE_SCHEMA = `
  CREATE TABLE hw_channel (
    pdu INTEGER NOT NULL,
    ch INTEGER NOT NULL,              -- the slot in the packed rows, 1..
    kind TEXT NOT NULL,               -- line, breaker, sensor
    key TEXT NOT NULL,                -- L1..N, the protector's label, the sensor's stable id
    field TEXT NOT NULL,              -- current, voltage, voltage_ln, power; a sensor's type
    unit TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (pdu, ch)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX hw_channel_key ON hw_channel (pdu, kind, key, field, unit);
  CREATE TABLE ${HW_SAMPLE_TABLE} (
    pdu INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    data BLOB NOT NULL,               -- every channel of one poll, packed (one sample each)
    PRIMARY KEY (pdu, ts)
  ) WITHOUT ROWID;
  ${Object.values(HW_LEVEL_TABLE).map(DDL).join('\n')}
`;
