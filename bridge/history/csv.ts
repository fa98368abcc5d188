import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Db } from './db.ts';
import { powerResolution, type RangeQuery, type Row, resolveRange, rowsSql, type View } from './range.ts';
import type { OutletMeta } from './series.ts';
import type { Resolution } from './time.ts';

/**
 * CSV export, streamed: the rows are read page by page with keyset pagination on the (pdu, ts,
 * outlet) key, so memory holds one page whatever the range, and no statement stays open across an
 * await (better-sqlite3 refuses writes on a connection with an open iterator; polls keep recording
 * while a year is exported). Each page waits for a turn of the event loop first: a page is a few
 * milliseconds of work, and twenty exports of a year at once must not hold a poll back for seconds
 * (async generators and Readable.from only chain microtasks, which never let a timer or socket in).
 */

export interface CsvQuery extends RangeQuery {
  /** total: the inlet; ports: outlets 1..n; all: both. Default total. */
  view?: View | 'all';
  /** Default: what the power chart shows for the range (hour raw, day 15m, week 1h, month/year 1d). */
  resolution?: Exclude<Resolution, '1mo'>;
}

export const CSV_HEADER =
  'time,pdu,outlet,label,name,power_avg_w,power_min_w,power_max_w,energy_kwh,samples,estimated\n';

const RESOLUTIONS = ['raw', '15m', '1h', '1d'];
/** Rows per page: ~1,000 rows is ~3 ms of formatting, the longest the export holds the loop at once. */
const PAGE = 1024;

/** A text cell a spreadsheet would run as a formula (OWASP "CSV injection"; docs/security.md). */
const FORMULA = /^[=+\-@\t\r]/;
/** Quoted when it holds a separator a spreadsheet may split on (`,`, and `;` or tab in some locales). */
const NEEDS_QUOTES = /[",;\t\n\r]/;

/**
 * Every text cell (PDU id, label, name) goes through here: a leading `=`, `+`, `-`, `@`, tab or CR
 * gets a `'` in front, so Excel and LibreOffice show the text instead of evaluating it. Numbers never
 * do: a negative power or energy stays a number.
 */
export function csvText(s: string): string {
  const safe = FORMULA.test(s) ? `'${s}` : s;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

type CsvRow = Row;

export interface CsvContext {
  db: Db;
  pduId: (key: string) => number | undefined;
  meta: (pdu: number) => Map<number, OutletMeta>;
  nowMs: number;
  rawFrom: number;
}

/** Validates synchronously (RangeError on bad input), then returns the chunks: the header, then pages. */
export function csvChunks(ctx: CsvContext, q: CsvQuery): AsyncGenerator<string> {
  const r = resolveRange(q, ctx.nowMs);
  const view = q.view ?? 'total';
  if (!['total', 'ports', 'all'].includes(view)) throw new RangeError('view must be total, ports or all');
  if (q.resolution !== undefined && !RESOLUTIONS.includes(q.resolution)) {
    throw new RangeError(`resolution must be one of ${RESOLUTIONS.join(', ')}`);
  }
  // A unit never recorded (a configured PDU that never answered): the header alone, like its empty series.
  const id = ctx.pduId(q.pdu);
  const res = q.resolution ?? powerResolution(r, ctx.rawFrom);
  const sql = rowsSql(res, view).replace('ts >= ?', '(ts, outlet) > (?, ?)');
  const page = ctx.db.prepare<[number, number, number, number], CsvRow>(`${sql} LIMIT ${PAGE}`).raw(true);
  const meta = id === undefined ? new Map<number, { label: string; name: string }>() : ctx.meta(id);
  const names = new Map<number, string>([[0, 'total,Total']]);
  for (const [o, m] of meta) names.set(o, `${csvText(m.label)},${csvText(m.name)}`);
  const pdu = csvText(q.pdu);
  return (async function* () {
    yield CSV_HEADER;
    if (id === undefined) return;
    let ts = r.from - 1;
    let outlet = Number.MAX_SAFE_INTEGER;
    let lastTs = Number.NaN;
    let iso = '';
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      let out = '';
      let count = 0;
      // The iterator runs to its end (LIMIT) before the yield: nothing stays open across an await.
      for (const [rts, o, n, ps, pn, px, e, est] of page.iterate(id, ts, outlet, r.to)) {
        if (rts !== lastTs) {
          lastTs = rts;
          iso = `${new Date(rts * 1000).toISOString()},${pdu},`;
        }
        const avg = n > 0 ? Math.round(ps / n) / 10 : '';
        const min = pn === null ? '' : pn / 10;
        const max = px === null ? '' : px / 10;
        out += `${iso}${o},${names.get(o) ?? `${o},`},${avg},${min},${max},${e / 1e6},${n},${est}\n`;
        ts = rts;
        outlet = o;
        count++;
      }
      if (count > 0) yield out;
      if (count < PAGE) return;
    }
  })();
}

/** Pipe the export into a Writable (an HTTP response), honouring backpressure. Returns bytes written. */
export async function writeCsv(chunks: AsyncGenerator<string>, out: Writable): Promise<number> {
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += Buffer.byteLength(chunk);
    if (out.destroyed) break;
    if (!out.write(chunk)) {
      // A client that hangs up never drains: stop reading the database then, too.
      await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
  }
  return bytes;
}
