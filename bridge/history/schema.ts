import type { Migration } from './db.ts';

/**
 * The history schema. Units are integers so rows stay small (SQLite stores small integers in 1-4
 * bytes, a REAL always in 8): power dW (0.1 W), apparent power dVA, current mA, voltage dV, power
 * factor per mille, frequency dHz, energy mWh, the PDU's activeEnergy counter in Wh as read.
 * Time is integer seconds since the epoch. Outlet 0 holds the inlet (the PDU total).
 *
 * Every data table is WITHOUT ROWID keyed (pdu, ts, outlet): a poll appends at the end of the
 * b-tree (pages fill densely), a period query is one range scan, and CSV export reads in output order.
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
];
