import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ByteWriter } from './csv-text.ts';
import { F_E, F_EST, F_HAS, F_N, F_PN, F_PS, F_PX, FIELDS } from './packed.ts';
import { powerResolution, type RangeQuery, resolveRange, type View } from './range.ts';
import type { Scanner, Visit } from './scan.ts';
import type { OutletMeta } from './series.ts';
import type { Resolution } from './time.ts';

/**
 * CSV export, streamed: rows are read from a statement's iterator a chunk at a time (scan.ts), written
 * as UTF-8 bytes (csv-text.ts), and handed on; between chunks the export waits for the event loop
 * (setImmediate: async generators alone only chain microtasks, which never let a timer or socket in), so
 * polls keep their schedule and keep recording during a year-long export of every outlet. A chunk
 * closes its iterator before it yields: better-sqlite3 refuses writes on a connection with an open
 * one, and the live polls write on this connection. The next chunk continues after the last key read.
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
/** Times per chunk (each one line per channel): ~9,000 lines, half a megabyte, for 36 outlets. */
const CHUNK_TIMES = 256;

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

export interface CsvContext {
  scan: Scanner['scan'];
  pduId: (key: string) => number | undefined;
  meta: (pdu: number) => Map<number, OutletMeta>;
  nowMs: number;
  rawFrom: number;
}

const COMMA = 44;
const NEWLINE = 10;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Validates synchronously (RangeError on bad input), then returns the chunks: the header, then pages. */
export function csvChunks(ctx: CsvContext, q: CsvQuery): AsyncGenerator<Buffer> {
  const r = resolveRange(q, ctx.nowMs);
  const view = q.view ?? 'total';
  if (!['total', 'ports', 'all'].includes(view)) throw new RangeError('view must be total, ports or all');
  if (q.resolution !== undefined && !RESOLUTIONS.includes(q.resolution)) {
    throw new RangeError(`resolution must be one of ${RESOLUTIONS.join(', ')}`);
  }
  // A unit never recorded (a configured PDU that never answered): the header alone, like its empty series.
  const id = ctx.pduId(q.pdu);
  if (id === undefined)
    return (async function* () {
      yield Buffer.from(CSV_HEADER);
    })();
  const res = q.resolution ?? powerResolution(r, ctx.rawFrom);
  // Per outlet its number, label and name, encoded once; per bucket its time and the PDU.
  const prefix: Buffer[] = [Buffer.from('0,total,Total,')];
  for (const [o, m] of ctx.meta(id)) prefix[o] = Buffer.from(`${o},${csvText(m.label)},${csvText(m.name)},`);
  const pdu = csvText(q.pdu);
  const out = new ByteWriter(1 << 20);
  const lines: Visit = (ts, agg, slots) => {
    const time = Buffer.from(`${new Date(ts * 1000).toISOString()},${pdu},`);
    for (let o = 0; o <= slots; o++) {
      const k = o * FIELDS;
      if (agg[k + F_HAS] === 0) continue;
      out.bytes(time);
      let p = prefix[o];
      if (p === undefined) {
        p = Buffer.from(`${o},${o},,`);
        prefix[o] = p;
      }
      out.bytes(p);
      const n = agg[k + F_N] as number;
      const pn = agg[k + F_PN] as number;
      const px = agg[k + F_PX] as number;
      if (n > 0) out.tenths(Math.round((agg[k + F_PS] as number) / n));
      out.char(COMMA);
      if (!Number.isNaN(pn)) out.tenths(pn);
      out.char(COMMA);
      if (!Number.isNaN(px)) out.tenths(px);
      out.char(COMMA);
      out.millionths(agg[k + F_E] as number);
      out.char(COMMA);
      out.uint(n);
      out.char(COMMA);
      out.uint(agg[k + F_EST] as number);
      out.char(NEWLINE);
    }
  };
  return (async function* () {
    yield Buffer.from(CSV_HEADER);
    let key: number | null = r.from - 1;
    while (key !== null) {
      // A turn of the event loop before every chunk, the first one too: twenty exports started at
      // once must not each build a chunk before a poll gets in.
      await turn();
      key = ctx.scan(id, res, view, key, r.to, CHUNK_TIMES, lines);
      if (out.pos > 0) yield out.take();
    }
  })();
}

/** Pipe the export into a Writable (an HTTP response), honouring backpressure. Returns bytes written. */
export async function writeCsv(chunks: AsyncGenerator<Buffer>, out: Writable): Promise<number> {
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    if (out.destroyed) break;
    if (!out.write(chunk)) {
      // A client that hangs up never drains: stop reading the database then, too.
      await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
  }
  return bytes;
}
