/**
 * One rollup bucket of one unit, every channel at once: the aggregate in memory (a Float64Array,
 * FIELDS numbers per channel) and its outlets packed into one BLOB for the rollup tables.
 *
 * Why packed: a query's cost is dominated by the values SQLite hands to JavaScript (better-sqlite3
 * builds a JS value per column per row), not by finding rows. A year of daily buckets for 36 outlets
 * was 13,000 rows of 8 columns; packed it is 365 rows of a small BLOB, decoded here in a tight loop.
 * Writing one row per bucket instead of one per channel also makes a poll 3 b-tree updates, not 111.
 * The inlet (channel 0) stays in plain SQL columns beside the BLOB, so totals, today's energy and peaks
 * are SQL aggregates.
 *
 * BLOB format (version 1): a version byte, a varint slot count s, then for outlets 1..s a varint head
 * (0: no data; bit 0 data, bit 1 estimated) and, with data, varint n, then if n > 0 the zigzag sum of
 * power, the zigzag minimum and the (non-negative) maximum minus minimum, then the varint energy.
 * Units are the schema's: dW, mWh. Every value is an integer below 2^53.
 */

/** Per channel: data (0/1), samples with power, sum, min, max (dW; NaN: none), energy (mWh), est (0/1). */
export const FIELDS = 7;
export const F_HAS = 0;
export const F_N = 1;
export const F_PS = 2;
export const F_PN = 3;
export const F_PX = 4;
export const F_E = 5;
export const F_EST = 6;

const VERSION = 1;

export function emptyAgg(channels: number): Float64Array {
  const a = new Float64Array(channels * FIELDS);
  for (let c = 0; c < channels; c++) {
    a[c * FIELDS + F_PN] = Number.NaN;
    a[c * FIELDS + F_PX] = Number.NaN;
  }
  return a;
}

/** The same aggregate with room for `channels` (at least): new channels empty. */
export function growAgg(a: Float64Array, channels: number): Float64Array {
  if (a.length >= channels * FIELDS) return a;
  const b = emptyAgg(channels);
  b.set(a);
  return b;
}

/** Adds one sample of one channel (power dW or null, energy mWh). The aggregate must hold the channel. */
export function addSample(
  a: Float64Array,
  channel: number,
  p: number | null,
  de: number,
  est: boolean,
): void {
  const i = channel * FIELDS;
  a[i + F_HAS] = 1;
  if (p !== null) {
    a[i + F_N] = (a[i + F_N] as number) + 1;
    a[i + F_PS] = (a[i + F_PS] as number) + p;
    const pn = a[i + F_PN] as number;
    const px = a[i + F_PX] as number;
    if (!(p >= pn)) a[i + F_PN] = p; // NaN compares false: the first sample sets it
    if (!(p <= px)) a[i + F_PX] = p;
  }
  a[i + F_E] = (a[i + F_E] as number) + de;
  if (est) a[i + F_EST] = 1;
}

// A scratch buffer for encoding: the statement binding copies it (better-sqlite3 binds BLOBs as transient).
let out = Buffer.allocUnsafe(4096);
let pos = 0;

function putU(v: number): void {
  while (v > 0x7fffffff) {
    out[pos++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  while (v > 127) {
    out[pos++] = (v & 127) | 128;
    v >>>= 7;
  }
  out[pos++] = v;
}

const zig = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);

/** Outlets 1.. of an aggregate as the BLOB (a view of a scratch buffer: bind or copy it before the next call). */
export function encodeOutlets(a: Float64Array): Buffer {
  let slots = a.length / FIELDS - 1;
  while (slots > 0 && a[slots * FIELDS + F_HAS] === 0) slots--;
  const need = 16 + slots * 40;
  if (out.length < need) out = Buffer.allocUnsafe(need * 2);
  pos = 0;
  out[pos++] = VERSION;
  putU(slots);
  for (let c = 1; c <= slots; c++) {
    const i = c * FIELDS;
    if (a[i + F_HAS] === 0) {
      out[pos++] = 0;
      continue;
    }
    out[pos++] = a[i + F_EST] ? 3 : 1;
    const n = a[i + F_N] as number;
    putU(n);
    if (n > 0) {
      const pn = a[i + F_PN] as number;
      putU(zig(a[i + F_PS] as number));
      putU(zig(pn));
      putU((a[i + F_PX] as number) - pn);
    }
    putU(Math.round(a[i + F_E] as number));
  }
  return out.subarray(0, pos);
}

export class CorruptBucket extends Error {}

// Decoding state: module-level so the varint readers are plain functions (no closure per call).
let src: Uint8Array = new Uint8Array(0);
let at = 0;

function getU(): number {
  let b = src[at++] as number;
  if (b < 128) return b;
  let v = b & 127;
  let m = 128;
  do {
    b = src[at++] as number;
    v += (b & 127) * m;
    m *= 128;
  } while (b > 127);
  return v;
}

function getZ(): number {
  const v = getU();
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}

/**
 * Decodes a BLOB into `into` (grown when too small; outlet k at k * FIELDS, channel 0 left alone) and
 * returns the aggregate and its slot count. Absent outlets are zeroed.
 */
export function decodeOutlets(blob: Uint8Array, into?: Float64Array): { agg: Float64Array; slots: number } {
  src = blob;
  at = 0;
  if (blob[at++] !== VERSION) throw new CorruptBucket(`rollup bucket: unknown format ${blob[0]}`);
  const slots = getU();
  const agg = into && into.length >= (slots + 1) * FIELDS ? into : growAgg(into ?? emptyAgg(1), slots + 1);
  for (let c = 1; c <= slots; c++) {
    const i = c * FIELDS;
    const head = blob[at++] as number;
    if (head === 0) {
      agg[i + F_HAS] = 0;
      agg[i + F_N] = 0;
      agg[i + F_PS] = 0;
      agg[i + F_PN] = Number.NaN;
      agg[i + F_PX] = Number.NaN;
      agg[i + F_E] = 0;
      agg[i + F_EST] = 0;
      continue;
    }
    agg[i + F_HAS] = 1;
    agg[i + F_EST] = head & 2 ? 1 : 0;
    const n = getU();
    agg[i + F_N] = n;
    if (n > 0) {
      agg[i + F_PS] = getZ();
      const pn = getZ();
      agg[i + F_PN] = pn;
      agg[i + F_PX] = pn + getU();
    } else {
      agg[i + F_PS] = 0;
      agg[i + F_PN] = Number.NaN;
      agg[i + F_PX] = Number.NaN;
    }
    agg[i + F_E] = getU();
  }
  if (at > blob.length) throw new CorruptBucket('rollup bucket: truncated');
  return { agg, slots };
}
