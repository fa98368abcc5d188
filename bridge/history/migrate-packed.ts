import type { Db } from './db.ts';
import { emptyAgg, encodeOutlets, F_E, F_EST, F_HAS, F_N, F_PN, F_PS, F_PX, FIELDS } from './packed.ts';

/**
 * Schema migration 4: the rollups as one row per unit and bucket (packed.ts) instead of one per
 * channel. Each old table (r15m, r1h, r1d: one row per pdu, bucket and outlet) is read in key order,
 * page by page, and every bucket written as one row of the new table; then the old table is dropped.
 * It runs inside the migration's transaction: an interrupted upgrade leaves the database as it was.
 */

/** A rollup table: the outlets' (migration 4) and the hardware series' (migration 7) alike. */
export const DDL = (table: string) => `
  CREATE TABLE ${table} (
    pdu INTEGER NOT NULL,
    ts INTEGER NOT NULL,              -- bucket start, s
    n INTEGER NOT NULL,               -- the inlet (the PDU total): samples with a power reading,
    ps INTEGER NOT NULL,              --   their sum (dW),
    pn INTEGER, px INTEGER,           --   min / max power (dW),
    e INTEGER NOT NULL,               --   energy used in the bucket (mWh),
    est INTEGER NOT NULL,             --   1: some of e was integrated from power
    outlets BLOB NOT NULL,            -- outlets 1..n, the same per outlet, packed (packed.ts)
    PRIMARY KEY (pdu, ts)
  ) WITHOUT ROWID;`;

const PAGE = 20_000;

type OldRow = [number, number, number, number, number, number | null, number | null, number, number];

function pack(db: Db, from: string, to: string): void {
  db.exec(DDL(to));
  const page = db
    .prepare<[number, number], OldRow>(
      `SELECT pdu, ts, outlet, n, ps, pn, px, e, est FROM ${from}
       WHERE (pdu, ts) > (?, ?) ORDER BY pdu, ts, outlet LIMIT ${PAGE}`,
    )
    .raw(true);
  const put = db.prepare(
    `INSERT INTO ${to} (pdu, ts, n, ps, pn, px, e, est, outlets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let after: [number, number] = [-1, -1];
  for (;;) {
    const rows = page.all(...after);
    if (rows.length === 0) return;
    // A full page may end inside a bucket: that bucket is read again, whole, with the next page.
    let end = rows.length;
    if (rows.length === PAGE) {
      const [lp, lt] = rows[end - 1] as OldRow;
      while (end > 0 && (rows[end - 1] as OldRow)[0] === lp && (rows[end - 1] as OldRow)[1] === lt) end--;
    }
    for (let i = 0; i < end; ) {
      const [pdu, ts] = rows[i] as OldRow;
      let j = i;
      let slots = 0;
      while (j < end && (rows[j] as OldRow)[0] === pdu && (rows[j] as OldRow)[1] === ts) {
        slots = Math.max(slots, (rows[j] as OldRow)[2]);
        j++;
      }
      const agg = emptyAgg(slots + 1);
      for (let k = i; k < j; k++) {
        const [, , outlet, n, ps, pn, px, e, est] = rows[k] as OldRow;
        const o = outlet * FIELDS;
        agg[o + F_HAS] = 1;
        agg[o + F_N] = n;
        agg[o + F_PS] = ps;
        agg[o + F_PN] = pn ?? Number.NaN;
        agg[o + F_PX] = px ?? Number.NaN;
        agg[o + F_E] = e;
        agg[o + F_EST] = est;
      }
      const pn = agg[F_PN] as number;
      const px = agg[F_PX] as number;
      put.run(
        pdu,
        ts,
        agg[F_N],
        agg[F_PS],
        Number.isNaN(pn) ? null : pn,
        Number.isNaN(px) ? null : px,
        agg[F_E],
        agg[F_EST],
        encodeOutlets(agg),
      );
      after = [pdu, ts];
      i = j;
    }
    if (end === 0) throw new Error(`history migration 4: a bucket of ${from} has more than ${PAGE} rows`);
    if (rows.length < PAGE) return;
  }
}

export function packRollups(db: Db): void {
  for (const [from, to] of [
    ['r15m', 'rollup_15m'],
    ['r1h', 'rollup_1h'],
    ['r1d', 'rollup_1d'],
  ] as const) {
    pack(db, from, to);
    db.exec(`DROP TABLE ${from}`);
  }
}
