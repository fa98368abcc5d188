import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Large payloads kept compactly, as a one-byte (latin1) string: it holds any bytes exactly, and a Buffer
 * of its own would add ~280 bytes of Buffer, ArrayBuffer and backing store (heap snapshot). Used for
 * the retained Home Assistant discovery configs the outbox and the embedded broker both keep: ~3.7 kB of
 * JSON per outlet device, near-identical from one outlet to the next, and only read again on a
 * reconnect or when a client subscribes to them.
 *
 * Deflated on its own, an outlet config is ~860 bytes. Deflated with a preset dictionary (RFC 1951's
 * window primed with earlier text), ~180: the dictionary is learnt from the first DICTIONARY_SAMPLES
 * payloads compacted (the bridge's own device, its first PDU and its first outlet, in the order the
 * bridge announces them), then frozen, so every stored payload can always be inflated again. At 200
 * PDUs that is ~5 MB less in each of the two stores, ~27 MB each at 1,000 (docs/architecture.md,
 * "Memory"). Payloads stored before the dictionary is complete are deflated without one.
 */

/** Payloads from this size up are deflated; smaller ones would gain little for the CPU. */
export const COMPACT_FROM_BYTES = 1024;
/** How many payloads the dictionary is learnt from. */
export const DICTIONARY_SAMPLES = 3;
/** zlib's window: a longer dictionary would only have its tail used. */
const WINDOW = 32 * 1024;

/** The first byte of a stored payload: how it is kept. */
const RAW = 0;
const DEFLATED = 1;
const WITH_DICTIONARY = 2;

/** One flat string of tag and bytes (a `tag + string` concatenation would keep a cons string of two). */
const tagged = (tag: number, bytes: Buffer): string => {
  const out = Buffer.allocUnsafe(bytes.length + 1);
  out[0] = tag;
  bytes.copy(out, 1);
  return out.toString('latin1');
};

export interface Compactor {
  /** The payload deflated, or undefined when it is under COMPACT_FROM_BYTES or would not shrink. */
  deflate(raw: Buffer): { bytes: Buffer; dictionary: boolean } | undefined;
  /** What `deflate` was given. */
  inflate(bytes: Buffer, dictionary: boolean): Buffer;
  /** The payload as one tagged latin1 string (deflated or not). */
  pack(raw: Buffer): string;
  /** What `pack` was given. */
  unpack(stored: string): Buffer;
}

export function createCompactor(): Compactor {
  const samples: Buffer[] = [];
  let dictionary: Buffer | undefined;

  function learn(raw: Buffer): void {
    // A copy: a payload the broker received is a slice of its socket's read chunk (often 64 kB).
    samples.push(Buffer.from(raw));
    if (samples.length < DICTIONARY_SAMPLES) return;
    // The last samples sit nearest the end of the window, where deflate finds matches cheapest.
    const all = Buffer.concat(samples);
    dictionary = all.length > WINDOW ? all.subarray(all.length - WINDOW) : all;
    samples.length = 0;
  }

  function deflate(raw: Buffer): { bytes: Buffer; dictionary: boolean } | undefined {
    if (raw.length < COMPACT_FROM_BYTES) return undefined;
    const withDictionary = dictionary !== undefined;
    const bytes = dictionary ? deflateRawSync(raw, { dictionary }) : deflateRawSync(raw);
    if (!withDictionary) learn(raw);
    return bytes.length < raw.length ? { bytes, dictionary: withDictionary } : undefined;
  }

  function inflate(bytes: Buffer, withDictionary: boolean): Buffer {
    return withDictionary ? inflateRawSync(bytes, { dictionary }) : inflateRawSync(bytes);
  }

  return {
    deflate,
    inflate,
    pack(raw) {
      const d = deflate(raw);
      return d ? tagged(d.dictionary ? WITH_DICTIONARY : DEFLATED, d.bytes) : tagged(RAW, raw);
    },
    unpack(stored) {
      const all = Buffer.from(stored, 'latin1');
      const tag = all[0];
      const bytes = all.subarray(1);
      return tag === RAW ? bytes : inflate(bytes, tag === WITH_DICTIONARY);
    },
  };
}
