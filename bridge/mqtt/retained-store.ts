import { Readable } from 'node:stream';
import { COMPACT_FROM_BYTES, type Compactor, createCompactor } from './compact.ts';

export { COMPACT_FROM_BYTES };

/**
 * The embedded broker's retained messages, kept compact. aedes' memory persistence holds every
 * retained packet as it arrived; at 7,200 outlets (heap snapshots of the daemon at 200 PDUs):
 * - 7,200 discovery configs of ~3.7 kB of repetitive JSON (~27 MB), only read again when a client
 *   subscribes to them (Home Assistant after a restart): from COMPACT_FROM_BYTES up a payload is
 *   stored deflated with the broker's learnt dictionary (compact.ts: ~180 bytes a config, ~860
 *   without) and inflated on its way out;
 * - every payload in a Buffer of its own, which costs ~280 bytes of Buffer, ArrayBuffer and backing
 *   store beside a state payload of ~300: a payload is stored as a one-byte (latin1) string, which
 *   holds any bytes exactly and copies them out of the socket chunk they arrived in;
 * - the whole packet as aedes wraps it: only what a retained delivery is built from is kept.
 * Every subscriber still receives exactly the bytes that were published. State payloads (a few
 * hundred bytes, replaced every poll) are not compressed: that would cost CPU every cycle for little.
 */

/**
 * Marks a stored packet whose payload is deflated: 'plain', or 'dictionary' with the compactor's
 * dictionary (Object.assign in aedes' store copies it).
 */
const DEFLATED = Symbol('r2m.deflated');

interface Packet {
  cmd?: string;
  topic: string;
  payload: Buffer | string;
  qos?: number;
  retain?: boolean;
  [DEFLATED]?: 'plain' | 'dictionary';
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
export function storedPacket(packet: Packet, compactor: Compactor): Packet {
  const raw = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
  if (raw.length === 0) return packet;
  const stored: Packet = { cmd: 'publish', topic: packet.topic, payload: '', qos: packet.qos, retain: true };
  const deflated = compactor.deflate(raw);
  if (deflated) {
    stored.payload = deflated.bytes.toString('latin1');
    stored[DEFLATED] = deflated.dictionary ? 'dictionary' : 'plain';
    return stored;
  }
  stored.payload = raw.toString('latin1');
  return stored;
}

/** The packet as it was published, its payload a Buffer again. */
export function publishedPacket(stored: Packet, compactor: Compactor): Packet {
  if (typeof stored.payload !== 'string') return stored;
  const raw = Buffer.from(stored.payload, 'latin1');
  const { [DEFLATED]: deflated, ...rest } = stored;
  return { ...rest, payload: deflated ? compactor.inflate(raw, deflated === 'dictionary') : raw };
}

async function* expandAll(source: Readable, compactor: Compactor): AsyncGenerator<Packet> {
  for await (const packet of source) yield publishedPacket(packet as Packet, compactor);
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
  const compactor = createCompactor();
  persistence.storeRetained = (packet, cb) => store(storedPacket(packet, compactor), cb);
  persistence.createRetainedStream = (pattern) => Readable.from(expandAll(one(pattern), compactor));
  persistence.createRetainedStreamCombi = (patterns) => Readable.from(expandAll(combi(patterns), compactor));
  return true;
}
