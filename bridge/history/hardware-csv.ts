import { csvText } from './csv.ts';
import { ByteWriter } from './csv-text.ts';
import { HARDWARE_KINDS, type HardwareKind } from './hardware-channels.ts';
import type { HardwareContext } from './hardware-series.ts';
import { F_HAS, F_N, F_PN, F_PS, F_PX, FIELDS } from './packed.ts';
import { powerResolution, type RangeQuery, resolveRange } from './range.ts';
import type { Visit } from './scan.ts';
import type { Resolution } from './time.ts';

/**
 * The hardware series as CSV (`/api/export-data?kind=…`, docs/http.md): one line per series and
 * stored time, streamed in chunks like the outlets' export (csv.ts: a turn of the event loop before
 * every chunk, no statement open in between), every text cell through csvText.
 */

export interface HardwareCsvQuery extends RangeQuery {
  kind: HardwareKind;
  resolution?: Exclude<Resolution, '1mo'>;
}

export const HARDWARE_CSV_HEADER = 'time,pdu,kind,id,name,field,unit,avg,min,max,samples\n';

const RESOLUTIONS = ['raw', '15m', '1h', '1d'];
const CHUNK_TIMES = 512;
const COMMA = 44;
const NEWLINE = 10;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Validates synchronously (RangeError on bad input), then returns the chunks: the header, then pages. */
export function hardwareCsvChunks(ctx: HardwareContext, q: HardwareCsvQuery): AsyncGenerator<Buffer> {
  const r = resolveRange(q, ctx.nowMs);
  if (!HARDWARE_KINDS.includes(q.kind))
    throw new RangeError(`kind must be one of ${HARDWARE_KINDS.join(', ')}`);
  if (q.resolution !== undefined && !RESOLUTIONS.includes(q.resolution))
    throw new RangeError(`resolution must be one of ${RESOLUTIONS.join(', ')}`);
  const id = ctx.pduId(q.pdu);
  const wanted = id === undefined ? [] : ctx.channels(id).filter((c) => c.kind === q.kind);
  const res = q.resolution ?? powerResolution(r, ctx.rawFrom);
  const pdu = csvText(q.pdu);
  // Per channel its cells from kind to unit, encoded once.
  const prefix = wanted.map((c) =>
    Buffer.from(`${c.kind},${csvText(c.key)},${csvText(c.name)},${csvText(c.field)},${csvText(c.unit)},`),
  );
  const out = new ByteWriter(1 << 18);
  const milli = (x: number) => out.millionths(Math.round(x) * 1000);
  const lines: Visit = (ts, agg, slots) => {
    const time = Buffer.from(`${new Date(ts * 1000).toISOString()},${pdu},`);
    wanted.forEach((c, w) => {
      const k = c.ch * FIELDS;
      if (c.ch > slots || agg[k + F_HAS] === 0) return;
      const n = agg[k + F_N] as number;
      if (n === 0) return;
      out.bytes(time);
      out.bytes(prefix[w] as Buffer);
      milli((agg[k + F_PS] as number) / n);
      out.char(COMMA);
      milli(agg[k + F_PN] as number);
      out.char(COMMA);
      milli(agg[k + F_PX] as number);
      out.char(COMMA);
      out.uint(n);
      out.char(NEWLINE);
    });
  };
  return (async function* () {
    yield Buffer.from(HARDWARE_CSV_HEADER);
    if (id === undefined || wanted.length === 0) return;
    let key: number | null = r.from - 1;
    while (key !== null) {
      await turn();
      key = ctx.scan(id, res, key, r.to, CHUNK_TIMES, lines);
      if (out.pos > 0) yield out.take();
    }
  })();
}
