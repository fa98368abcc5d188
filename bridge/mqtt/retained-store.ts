import { Readable } from 'node:stream';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * The embedded broker's retained messages, kept compact. aedes' memory persistence holds every
 * retained packet as it arrived; at 7,200 outlets (heap snapshots of the daemon at 200 PDUs):
 * - 7,200 discovery configs of ~3.7 kB of repetitive JSON (~27 MB), only read again when a client
 *   subscribes to them (Home Assistant after a restart): from COMPACT_FROM_BYTES up a payload is
 *   stored deflated (~500 bytes a config) and inflated on its way out;
 * - every payload in a Buffer of its own, which costs ~280 bytes of Buffer, ArrayBuffer and backing
 *   store beside a state payload of ~300: a payload is stored as a one-byte (latin1) string, which
 *   holds any bytes exactly and copies them out of the socket chunk they arrived in;
 * - the whole packet as aedes wraps it: only what a retained delivery is built from is kept.
 * Every subscriber still receives exactly the bytes that were published. State payloads (a few
 * hundred bytes, replaced every poll) are not compressed: that would cost CPU every cycle for little.
 */

export const COMPACT_FROM_BYTES = 1024;

/** Marks a stored packet whose payload is deflated (Object.assign in aedes' store copies it). */
const DEFLATED = Symbol('r2m.deflated');

interface Packet {
  cmd?: string;
  topic: string;
  payload: Buffer | string;
  qos?: number;
  retain?: boolean;
  [DEFLATED]?: true;
}

/** The part of aedes' persistence (aedes-persistence's interface) that retained messages go through. */
interface RetainedPersistence {
  storeRetained(packet: Packet, cb?: (err?: Error | null) => void): unknown;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

const isRetainedPersistence = (p: unknown): p is RetainedPersistence =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as RetainedPersistence).storeRetained === 'function' &&
  typeof (p as RetainedPersistence).createRetainedStream === 'function' &&
  typeof (p as RetainedPersistence).createRetainedStreamCombi === 'function';

/** The packet to store. An empty payload (which clears the topic) passes unchanged. */
export function storedPacket(packet: Packet): Packet {
  const raw = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
  if (raw.length === 0) return packet;
  const stored: Packet = { cmd: 'publish', topic: packet.topic, payload: '', qos: packet.qos, retain: true };
  if (raw.length >= COMPACT_FROM_BYTES) {
    const deflated = deflateRawSync(raw);
    if (deflated.length < raw.length) {
      stored.payload = deflated.toString('latin1');
      stored[DEFLATED] = true;
      return stored;
    }
  }
  stored.payload = raw.toString('latin1');
  return stored;
}

/** The packet as it was published, its payload a Buffer again. */
export function publishedPacket(stored: Packet): Packet {
  if (typeof stored.payload !== 'string') return stored;
  const raw = Buffer.from(stored.payload, 'latin1');
  const { [DEFLATED]: deflated, ...rest } = stored;
  return { ...rest, payload: deflated ? inflateRawSync(raw) : raw };
}

async function* expandAll(source: Readable): AsyncGenerator<Packet> {
  for await (const packet of source) yield publishedPacket(packet as Packet);
}

/**
 * Makes a running aedes instance's persistence store retained messages compactly (see above). False
 * when the persistence is not the expected one: then packets are stored as they are.
 */
export function compactRetained(aedes: unknown): boolean {
  const persistence = (aedes as { persistence?: unknown } | undefined)?.persistence;
  if (!isRetainedPersistence(persistence)) return false;
  const store = persistence.storeRetained.bind(persistence);
  const one = persistence.createRetainedStream.bind(persistence);
  const combi = persistence.createRetainedStreamCombi.bind(persistence);
  persistence.storeRetained = (packet, cb) => store(storedPacket(packet), cb);
  persistence.createRetainedStream = (pattern) => Readable.from(expandAll(one(pattern)));
  persistence.createRetainedStreamCombi = (patterns) => Readable.from(expandAll(combi(patterns)));
  return true;
}
