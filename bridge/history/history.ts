import type { Writable } from 'node:stream';
import type { Statement } from 'better-sqlite3';
import type { SavedEnergy } from '../facts/energy-tracker.ts';
import type { BridgeEvent } from '../facts/events.ts';
import type { Logger } from '../log.ts';
import type { PduReading } from '../readings.ts';
import { type Cards, createCards, type OutletInfo, type PduInfo, type Peak } from './cards.ts';
import { type CsvQuery, csvChunks, writeCsv } from './csv.ts';
import { type Db, openDb, scheduleCheckpoints } from './db.ts';
import { createEnergyStore } from './energy-store.ts';
import { createEventLog, type EventJson, type EventQuery } from './events.ts';
import { type HardwareCsvQuery, hardwareCsvChunks } from './hardware-csv.ts';
import type { StoredChannel } from './hardware-recorder.ts';
import { createHardwareScanner, type HardwareScanner } from './hardware-scan.ts';
import { type HardwareQuery, type HardwareSeries, hardwareSeries } from './hardware-series.ts';
import { migrations } from './migrations.ts';
import type { RangeQuery } from './range.ts';
import { createRecorder } from './recorder.ts';
import { createPruner, cutoffs, pruneAll } from './retention.ts';
import { createScanner, type Scanner } from './scan.ts';
import {
  type EnergySeries,
  energySeries,
  type OutletMeta,
  type PowerSeries,
  powerSeries,
  type SeriesQuery,
} from './series.ts';

export interface HistoryOptions {
  /** R2M_DB_PATH; ':memory:' for tests. */
  path: string;
  log: Logger;
  /** Raw samples are kept this long (default 7 days); rollups hold everything older. */
  rawRetentionDays?: number;
  /** Rollups (15 min, 1 h, 1 day) and on/off events are kept this long (default 10 years). */
  rollupRetentionYears?: number;
  /** How often pruning runs, ms (default 10 minutes). It never runs inside a poll's transaction. */
  pruneIntervalMs?: number;
  /** Clock, ms (tests and the backfill's "now"). */
  now?: () => number;
}

export type RecordResult = { ok: true; rows: number } | { ok: false; error: string };

export interface History {
  start(): void;
  stop(): Promise<void>;
  /** One poll (one unit or all units of one poll) in one transaction. Never throws. */
  record(reading: PduReading | readonly PduReading[]): RecordResult;
  /** Many polls, oldest first, in one transaction, through the same path as record (the backfill). */
  recordMany(polls: Iterable<readonly PduReading[]>): RecordResult;
  /** The PDU did not answer: a gap in the charts (never zeros). */
  recordOffline(id: string, timeMs: number): void;
  /** One of the bridge's events (bridge/facts/events.ts). Never throws. */
  recordEvent(e: BridgeEvent): void;
  /** The latest events, newest first. */
  events(q?: EventQuery): EventJson[];
  /** The energy tracker's saved state of every channel, to restore it from at start. */
  energyStates(): SavedEnergy[];
  /** Prune now, in batches; resolves with the rows deleted. */
  prune(): Promise<number>;
  pdus(): PduInfo[];
  outlets(pdu: string): OutletInfo[];
  cards(pdu: string, nowMs?: number): Cards;
  peaks(q: RangeQuery): Peak | null;
  powerSeries(q: SeriesQuery): PowerSeries;
  energySeries(q: SeriesQuery): EnergySeries;
  /** Lines', protectors' or external sensors' series (hardware-series.ts). */
  hardwareSeries(q: HardwareQuery): HardwareSeries;
  /** Their CSV; throws RangeError on bad parameters before the first chunk. */
  exportHardwareCsv(q: HardwareCsvQuery): AsyncGenerator<Buffer>;
  /** Throws RangeError on bad parameters before the first chunk; then yields the CSV in pages. */
  exportCsv(q: CsvQuery): AsyncGenerator<Buffer>;
  exportCsvTo(q: CsvQuery, out: Writable): Promise<number>;
  /** The open database (tests, benchmarks); throws before start(). */
  db(): Db;
}

export function createHistory(opts: HistoryOptions): History {
  const now = opts.now ?? Date.now;
  const policy = {
    rawRetentionDays: opts.rawRetentionDays ?? 7,
    rollupRetentionYears: opts.rollupRetentionYears ?? 10,
  };
  const log = opts.log.child({ module: 'history' });
  let state: {
    db: Db;
    recorder: ReturnType<typeof createRecorder>;
    cards: ReturnType<typeof createCards>;
    pruner: ReturnType<typeof createPruner>;
    events: ReturnType<typeof createEventLog>;
    scanner: Scanner;
    hwScanner: HardwareScanner;
    hwChannels: Statement<[number], StoredChannel>;
    meta: Map<number, Map<number, OutletMeta>>;
    timer?: NodeJS.Timeout;
    first?: NodeJS.Timeout;
    checkpoints?: () => void;
    pruning?: Promise<number>;
  } | null = null;

  const s = () => {
    if (!state) throw new Error('history is not started');
    return state;
  };
  const rawFrom = () => cutoffs(policy, Math.floor(now() / 1000)).raw;

  const write = (polls: Iterable<readonly PduReading[]>): RecordResult => {
    const { db, recorder, meta } = s();
    const horizon = rawFrom();
    try {
      const rows = db.transaction(() => {
        let n = 0;
        for (const units of polls) {
          const raw = units.every((u) => u.time / 1000 >= horizon);
          n += recorder.ingest(units, raw);
        }
        recorder.flush();
        return n;
      })();
      meta.clear();
      return { ok: true, rows };
    } catch (err) {
      recorder.invalidate();
      const error = err instanceof Error ? err.message : String(err);
      log.error({ err: error }, 'recording a poll failed');
      return { ok: false, error };
    }
  };

  const meta = (pdu: number) => {
    const { db, meta: cache } = s();
    let m = cache.get(pdu);
    if (!m) {
      const rows = db
        .prepare<[number], OutletMeta>('SELECT outlet, label, name FROM outlet WHERE pdu = ?')
        .all(pdu);
      m = new Map(rows.map((r) => [r.outlet, r]));
      cache.set(pdu, m);
    }
    return m;
  };
  const ctx = () => ({
    scan: s().scanner.scan,
    pduId: (key: string) => s().recorder.pduId(key),
    meta,
    nowMs: now(),
    rawFrom: rawFrom(),
  });

  const hwCtx = () => ({
    scan: s().hwScanner.scan,
    pduId: (key: string) => s().recorder.pduId(key),
    channels: (pdu: number) => s().hwChannels.all(pdu),
    nowMs: now(),
    rawFrom: rawFrom(),
  });

  const prune = () => {
    const st = s();
    st.pruning ??= pruneAll(st.pruner, cutoffs(policy, Math.floor(now() / 1000))).finally(() => {
      st.pruning = undefined;
    });
    return st.pruning;
  };

  return {
    start() {
      if (state) return;
      const db = openDb(opts.path, migrations);
      state = {
        db,
        recorder: createRecorder(db),
        cards: createCards(db),
        pruner: createPruner(db),
        events: createEventLog(db),
        scanner: createScanner(db),
        hwScanner: createHardwareScanner(db),
        hwChannels: db.prepare<[number], StoredChannel>(
          'SELECT ch, kind, key, field, unit, name FROM hw_channel WHERE pdu = ? ORDER BY ch',
        ),
        meta: new Map(),
      };
      const st = state;
      const tick = () => {
        if (state !== st) return; // stopped meanwhile
        prune()
          .then((n) => n > 0 && log.debug({ rows: n }, 'pruned history'))
          .catch((err: unknown) => log.error({ err: String(err) }, 'pruning history failed'));
      };
      // A first prune soon after start (a database that sat unused for weeks), then periodically.
      st.first = setTimeout(tick, 1000);
      st.first.unref();
      st.timer = setInterval(tick, opts.pruneIntervalMs ?? 600_000);
      st.timer.unref();
      st.checkpoints = scheduleCheckpoints(db, 5000, (err) =>
        log.warn({ err: String(err) }, 'history: WAL checkpoint failed (retried)'),
      );
      log.info({ path: opts.path, ...policy }, 'history open');
    },
    async stop() {
      const st = state;
      if (!st) return;
      clearInterval(st.timer);
      clearTimeout(st.first);
      st.checkpoints?.();
      await st.pruning?.catch(() => 0);
      state = null;
      st.db.close();
    },
    record: (reading) =>
      write([Array.isArray(reading) ? (reading as readonly PduReading[]) : [reading as PduReading]]),
    recordMany: (polls) => write(polls),
    recordOffline(id, timeMs) {
      s().db.transaction(() => s().recorder.markOffline(id, Math.floor(timeMs / 1000)))();
    },
    recordEvent(e) {
      try {
        s().events.record(e);
      } catch (err) {
        log.error({ type: e.type, err: String(err) }, 'recording an event failed');
      }
    },
    events: (q) => s().events.latest(q),
    energyStates: () => createEnergyStore(s().db).load(),
    prune,
    pdus: () => s().cards.pdus(),
    outlets: (pdu) => s().cards.outlets(pdu),
    cards: (pdu, nowMs) => s().cards.cards(pdu, nowMs ?? now()),
    peaks: (q) => s().cards.peaks(q, now()),
    powerSeries: (q) => powerSeries(ctx(), q),
    energySeries: (q) => energySeries(ctx(), q),
    hardwareSeries: (q) => hardwareSeries(hwCtx(), q),
    exportHardwareCsv: (q) => hardwareCsvChunks(hwCtx(), q),
    exportCsv: (q) => csvChunks(ctx(), q),
    exportCsvTo: (q, out) => writeCsv(csvChunks(ctx(), q), out),
    db: () => s().db,
  };
}
