/**
 * CSV text written as bytes: a year of every outlet at 15 minutes is 1.3 million lines, and building
 * each as a JavaScript string (printing floats, concatenating, encoding to UTF-8 afterwards) cost more
 * than reading the history. Numbers are written digit by digit from integers in the schema's units, and
 * come out exactly as JavaScript prints the value (x / 10 for dW → W, x / 1e6 for mWh → kWh): the CSV is
 * the same, only cheaper. Names are encoded once per outlet.
 */

function decimalDigits(x: number): number {
  let digits = 1;
  for (let t = x; t >= 10; t = Math.floor(t / 10)) digits++;
  return digits;
}

export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(size = 1 << 16) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    // TypedArray set, not Buffer.copy: for a few dozen bytes its call into C++ costs more than the copy.
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  char(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** A non-negative integer below 2^53. */
  uint(x: number): void {
    if (x < 2_147_483_648) {
      // The common case, in 32-bit integer arithmetic (the values arrive as doubles).
      let v = x | 0;
      const digits =
        v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10_000 ? 4 : v < 100_000 ? 5 : decimalDigits(v);
      this.room(digits);
      const buf = this.buf;
      let p = this.pos + digits;
      this.pos = p;
      do {
        const q = (v / 10) | 0;
        buf[--p] = 48 + v - q * 10;
        v = q;
      } while (v > 0);
      return;
    }
    const digits = decimalDigits(x);
    this.room(digits);
    let p = this.pos + digits;
    this.pos = p;
    do {
      this.buf[--p] = 48 + (x % 10);
      x = Math.floor(x / 10);
    } while (x > 0);
  }

  /** x / 10 as JavaScript prints it, for an integer x ("12.3", "-0.5", "120"). */
  tenths(x: number): void {
    if (x < 0) {
      x = -x;
      if (x !== 0) this.char(45);
    }
    const q = x < 2_147_483_648 ? ((x | 0) / 10) | 0 : Math.floor(x / 10);
    const r = x - q * 10;
    this.uint(q);
    if (r !== 0) {
      this.room(2);
      this.buf[this.pos++] = 46;
      this.buf[this.pos++] = 48 + r;
    }
  }

  /** x / 1e6 as JavaScript prints it, for an integer x of at most 15 digits (mWh → kWh). */
  millionths(x: number): void {
    if (x < 0) {
      x = -x;
      if (x !== 0) this.char(45);
    }
    const int = Math.floor(x / 1e6);
    // Below 1e6: 32-bit integer arithmetic.
    let frac = (x - int * 1e6) | 0;
    this.uint(int);
    if (frac === 0) return;
    let digits = 6;
    for (let q = (frac / 10) | 0; frac === q * 10; q = (frac / 10) | 0) {
      frac = q;
      digits--;
    }
    this.room(digits + 1);
    const buf = this.buf;
    buf[this.pos++] = 46;
    let p = this.pos + digits;
    this.pos = p;
    for (let k = 0; k < digits; k++) {
      const q = (frac / 10) | 0;
      buf[--p] = 48 + frac - q * 10;
      frac = q;
    }
  }

  /** What was written, as its own Buffer (the writer starts again empty). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.pos = 0;
    return out;
  }
}
