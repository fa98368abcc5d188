import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../bridge/history/csv-text.ts';
import {
  addSample,
  CorruptBucket,
  decodeOutlets,
  emptyAgg,
  encodeOutlets,
  F_HAS,
  FIELDS,
} from '../../bridge/history/packed.ts';

let seed = 7;
const rnd = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('a rollup bucket packed into one BLOB', () => {
  it('decodes to exactly the aggregate it was made of, for every outlet and value range', () => {
    for (let round = 0; round < 200; round++) {
      const slots = 1 + Math.floor(rnd() * 48);
      const agg = emptyAgg(slots + 1);
      for (let o = 1; o <= slots; o++) {
        if (rnd() < 0.2) continue; // no data in this bucket
        const samples = Math.floor(rnd() * 20);
        for (let k = 0; k < samples; k++) {
          // dW up to 1 MW, the odd negative one; energy up to a day of 1 MW in mWh
          const p = rnd() < 0.1 ? null : Math.round((rnd() - 0.05) * 10_000_000);
          addSample(agg, o, p, Math.round(rnd() * 2 ** 40), rnd() < 0.1);
        }
        if (samples === 0) addSample(agg, o, null, 5, false);
      }
      const blob = Buffer.from(encodeOutlets(agg));
      const back = decodeOutlets(blob);
      for (let o = 1; o <= slots; o++) {
        // Trailing outlets without data are not stored.
        if (o > back.slots) expect(agg[o * FIELDS + F_HAS]).toBe(0);
        else for (let f = 0; f < FIELDS; f++) expect(back.agg[o * FIELDS + f]).toEqual(agg[o * FIELDS + f]);
      }
    }
  });

  it('stores no trailing outlets without data, reuses the array it is given, refuses a damaged BLOB', () => {
    const agg = emptyAgg(10);
    addSample(agg, 2, 1234, 9, false);
    const blob = Buffer.from(encodeOutlets(agg));
    const into = emptyAgg(64);
    into[5 * FIELDS + F_HAS] = 1; // left from an earlier row
    const d = decodeOutlets(blob, into);
    expect(d.slots).toBe(2);
    expect(d.agg).toBe(into);
    expect(d.agg[FIELDS + F_HAS]).toBe(0);
    expect(d.agg[2 * FIELDS + F_HAS]).toBe(1);
    expect(() => decodeOutlets(blob.subarray(0, blob.length - 1))).toThrow(CorruptBucket);
    expect(() => decodeOutlets(Buffer.from([9, 0]))).toThrow(CorruptBucket);
  });
});

describe('CSV numbers written as bytes from integers', () => {
  it('are exactly what JavaScript prints for x / 10, x / 1e6 and x', () => {
    const xs = [
      0,
      -0,
      1,
      -1,
      9,
      10,
      -10,
      11,
      -5,
      -15,
      99_999,
      1_000_000,
      -999_999,
      2 ** 40,
      123_456_789_012_345,
    ];
    for (let k = 0; k < 5000; k++) xs.push(Math.round((rnd() - 0.3) * 10 ** Math.floor(rnd() * 15)));
    const w = new ByteWriter(8); // small: it grows as it goes
    const expected: string[] = [];
    for (const x of xs) {
      w.tenths(x);
      w.char(44);
      w.millionths(x);
      w.char(44);
      w.uint(Math.abs(x));
      w.char(10);
      expected.push(`${x / 10},${x / 1e6},${Math.abs(x)}\n`);
    }
    expect(w.take().toString()).toBe(expected.join(''));
    expect(w.pos).toBe(0);
  });
});
