import { Readable } from 'node:stream';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * The embedded broker's retained messages, kept compact. aedes' memory persistence holds every
 * retained payload as it arrived; at 7,200 outlets those are 7,200 discovery configs of ~3.7 kB of
 * repetitive JSON (~27 MB, the largest single part of the daemon's live memory) that are only read
 * again when a client subscribes to them (Home Assistant after a restart). Payloads from
 * COMPACT_FROM_BYTES up are stored deflated (~500 bytes a config) and inflated on their way out, so
 * every subscriber still receives exactly what was published. State payloads (a few hundred bytes,
 * replaced every poll) are stored as they are: compressing them would cost CPU every cycle for little.
 */

export const COMPACT_FROM_BYTES = 1024;

/** Marks a stored packet whose payload is deflated (Object.assign in aedes' store copies it). */
const DEFLATED = Symbol('r2m.deflated');

interface StoredPacket {
  topic: string;
  payload: Buffer | string;
  [DEFLATED]?: true;
}

/** The part of aedes' persistence (aedes-persistence's interface) that retained messages go through. */
interface RetainedPersistence {
  storeRetained(packet: StoredPacket, cb?: (err?: Error | null) => void): unknown;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

const isRetainedPersistence = (p: unknown): p is RetainedPersistence =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as RetainedPersistence).storeRetained === 'function' &&
  typeof (p as RetainedPersistence).createRetainedStream === 'function' &&
  typeof (p as RetainedPersistence).createRetainedStreamCombi === 'function';

/** The packet to store: deflated when that makes it smaller, into an exact-size buffer of its own. */
export function compactPacket<P extends StoredPacket>(packet: P): P {
  const payload = packet.payload;
  if (typeof payload === 'string' || payload.length < COMPACT_FROM_BYTES) return packet;
  const deflated = deflateRawSync(payload);
  if (deflated.length >= payload.length) return packet;
  // zlib hands back a slice of its 16 kB output chunk: copied, the chunk is not kept alive with it.
  const copy = Buffer.allocUnsafeSlow(deflated.length);
  deflated.copy(copy);
  return { ...packet, payload: copy, [DEFLATED]: true };
}

/** The packet as it was published. */
export function expandPacket<P extends StoredPacket>(packet: P): P {
  if (packet[DEFLATED] !== true || typeof packet.payload === 'string') return packet;
  const { [DEFLATED]: _, ...rest } = packet;
  return { ...rest, payload: inflateRawSync(packet.payload) } as P;
}

async function* expandAll(source: Readable): AsyncGenerator<StoredPacket> {
  for await (const packet of source) yield expandPacket(packet as StoredPacket);
}

/**
 * Makes a running aedes instance's persistence store retained payloads compactly (see above). False
 * when the persistence is not the expected one: then payloads are stored as they are.
 */
export function compactRetained(aedes: unknown): boolean {
  const persistence = (aedes as { persistence?: unknown } | undefined)?.persistence;
  if (!isRetainedPersistence(persistence)) return false;
  const store = persistence.storeRetained.bind(persistence);
  const one = persistence.createRetainedStream.bind(persistence);
  const combi = persistence.createRetainedStreamCombi.bind(persistence);
  persistence.storeRetained = (packet, cb) => store(compactPacket(packet), cb);
  persistence.createRetainedStream = (pattern) => Readable.from(expandAll(one(pattern)));
  persistence.createRetainedStreamCombi = (patterns) => Readable.from(expandAll(combi(patterns)));
  return true;
}
