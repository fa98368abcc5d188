import type { Migration } from './db.ts';
import { PACK_ENERGY_STATE } from './energy-store.ts';
import { HARDWARE_SCHEMA } from './hardware-schema.ts';
import { packRollups } from './migrate-packed.ts';

/**
 * The history schema. Units are integers so rows stay small (SQLite stores small integers in 1-4
 * bytes, a REAL always in 8): power dW (0.1 W), apparent power dVA, current mA, voltage dV, power
 * factor per mille, frequency dHz, energy mWh, the PDU's activeEnergy counter in Wh as read.
 * energy_state holds the energy tracker's state (migration 3; one row per unit since 5), written with
 * every poll.
 * Time is integer seconds since the epoch. Outlet 0 holds the inlet (the PDU total).
 *
 * Every data table is WITHOUT ROWID keyed (pdu, ts, outlet), the rollups (pdu, ts) since migration 4:
 * a poll appends at the end of the b-tree (pages fill densely), a period query is one range scan, and
 * CSV export reads in output order.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    up: `
      CREATE TABLE pdu (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,         -- PduReading.id ('pdu1', 'pdu1-2')
        source TEXT NOT NULL,
        unit INTEGER NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        serial TEXT NOT NULL DEFAULT '',
        firmware TEXT NOT NULL DEFAULT '',
        outlet_count INTEGER NOT NULL DEFAULT 0,
        first_ts INTEGER,
        last_ts INTEGER,
        offline_since INTEGER             -- set by recordOffline, cleared by the next reading
      );
      CREATE TABLE outlet (
        pdu INTEGER NOT NULL REFERENCES pdu(id),
        outlet INTEGER NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL DEFAULT '',
        state INTEGER,                    -- 1 on, 0 off, NULL unknown
        PRIMARY KEY (pdu, outlet)
      ) WITHOUT ROWID;
      CREATE TABLE sample (
        pdu INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        outlet INTEGER NOT NULL,
        p INTEGER, va INTEGER, i INTEGER, v INTEGER, pf INTEGER, f INTEGER,
        c INTEGER,                        -- activeEnergy counter, Wh, as read (NULL: none)
        de INTEGER NOT NULL DEFAULT 0,    -- energy attributed to this sample, mWh
        est INTEGER NOT NULL DEFAULT 0,   -- 1: de integrated from power (no counter)
        sw INTEGER,                       -- 1 on, 0 off
        PRIMARY KEY (pdu, ts, outlet)
      ) WITHOUT ROWID;
      CREATE TABLE energy_state (
        pdu INTEGER NOT NULL,
        outlet INTEGER NOT NULL,
        ts INTEGER NOT NULL,              -- last recorded sample
        counter INTEGER,                  -- last counter value, Wh
        p INTEGER,                        -- last power, dW (for integration); NULL after a gap
        total INTEGER NOT NULL,           -- cumulative energy, mWh, never decreases
        est INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (pdu, outlet)
      ) WITHOUT ROWID;
      CREATE TABLE switch_event (
        pdu INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        outlet INTEGER NOT NULL,
        state INTEGER NOT NULL,
        PRIMARY KEY (pdu, ts, outlet)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    up: ['r15m', 'r1h', 'r1d']
      .map(
        (t) => `
      CREATE TABLE ${t} (
        pdu INTEGER NOT NULL,
        ts INTEGER NOT NULL,              -- bucket start
        outlet INTEGER NOT NULL,
        n INTEGER NOT NULL,               -- samples with a power reading
        ps INTEGER NOT NULL,              -- sum of power, dW
        pn INTEGER, px INTEGER,           -- min / max power, dW
        e INTEGER NOT NULL,               -- energy used in the bucket, mWh
        est INTEGER NOT NULL,             -- 1: some of e was integrated from power
        PRIMARY KEY (pdu, ts, outlet)
      ) WITHOUT ROWID;`,
      )
      .join('\n'),
  },
  {
    // The energy tracker's state (bridge/facts/energy.ts, docs/energy.md), restored at start so that a
    // restart continues every total. Times in ms, counters in Wh, totals in mWh. A counter channel's
    // total becomes the meter Home Assistant sees: it starts at the PDU's counter, as earlier versions
    // published it after a restart, so an upgrade continues the published value instead of dropping it.
    version: 3,
    up: `
      ALTER TABLE energy_state ADD COLUMN counter_ms INTEGER;   -- when the counter baseline was read
      ALTER TABLE energy_state ADD COLUMN at_ms INTEGER;        -- the last sample
      ALTER TABLE energy_state ADD COLUMN origin INTEGER NOT NULL DEFAULT 0;  -- total when first seen, mWh
      ALTER TABLE energy_state ADD COLUMN cand INTEGER;         -- a counter level not yet confirmed, Wh
      ALTER TABLE energy_state ADD COLUMN cand_ms INTEGER;
      ALTER TABLE energy_state ADD COLUMN cand_n INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE energy_state ADD COLUMN prior INTEGER;        -- the baseline before a reset, Wh
      ALTER TABLE energy_state ADD COLUMN prior_ms INTEGER;
      ALTER TABLE energy_state ADD COLUMN prior_total INTEGER;
      ALTER TABLE energy_state ADD COLUMN prior_n INTEGER NOT NULL DEFAULT 0;
      UPDATE energy_state SET counter_ms = ts * 1000, at_ms = ts * 1000,
        total = CASE WHEN counter IS NULL THEN total ELSE counter * 1000 END,
        origin = CASE WHEN counter IS NULL THEN 0 ELSE counter * 1000 END;
    `,
  },
  {
    // Rollups as one row per unit and bucket, the outlets packed (packed.ts, migrate-packed.ts): the
    // panel's per-outlet views read 365 rows for a year instead of 13,000, a poll writes 3 rows, not 111.
    version: 4,
    up: packRollups,
  },
  {
    // The energy tracker's state as one row per unit (energy-store.ts): one write per poll, not 37.
    version: 5,
    up: PACK_ENERGY_STATE,
  },
  {
    // The bridge's events (bridge/history/events.ts): the panel's events list. `data` is the JSON of
    // bridge/event's data; `pdu` the unit, for the list of one PDU.
    version: 6,
    up: `
      CREATE TABLE bridge_event (
        id INTEGER PRIMARY KEY,
        ts_ms INTEGER NOT NULL,
        source TEXT NOT NULL,
        pdu TEXT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX bridge_event_pdu_ts ON bridge_event (pdu, ts_ms);
      CREATE INDEX bridge_event_ts ON bridge_event (ts_ms);
    `,
  },
  {
    // Lines, overcurrent protectors and numeric external sensors (hardware-schema.ts): their series
    // numbered per unit, raw samples and rollups one packed row per unit and time, like the outlets'.
    version: 7,
    up: HARDWARE_SCHEMA,
  },
];
