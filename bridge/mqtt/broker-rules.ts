import { randomBytes } from 'node:crypto';
import { parseCommandTopic, type TopicOptions } from './topics.ts';

/**
 * The embedded broker's rules (docs/security.md): who may publish where, how the bridge's own
 * connection is recognised, and how large a packet may be. Pure, apart from the parser hook.
 */

/**
 * 256 kB: a command is a few bytes, a discovery config a few kB, the largest retained payload the
 * bridge writes (a PDU's state with every line, breaker and sensor) well under 100 kB. An anonymous
 * client storing 30 retained messages of 10 MB took the bridge from 129 to 435 MB; now it cannot.
 */
export const MAX_PACKET_BYTES = 256 * 1024;

/**
 * 16 MB: what all other clients together may keep retained on the embedded broker (payloads and
 * topics, plus an estimate of the broker's own cost per message). Home Assistant retains nothing
 * here, a Node-RED flow a few kB; without a bound, many messages under the size limit still add up.
 */
export const OTHERS_RETAINED_BYTES = 16 * 1024 * 1024;
const PER_MESSAGE_BYTES = 200;

export interface RetainedBudget {
  /**
   * A retained publish from another client: whether it fits (it replaces what that topic held). An
   * empty payload removes the topic and always fits.
   */
  admit(topic: string, payloadBytes: number): boolean;
  /** A retained publish from the bridge: the topic is the bridge's now, no longer counted. */
  release(topic: string): void;
  readonly used: number;
}

export function createRetainedBudget(maxBytes = OTHERS_RETAINED_BYTES): RetainedBudget {
  const sizes = new Map<string, number>();
  let used = 0;
  const drop = (topic: string) => {
    used -= sizes.get(topic) ?? 0;
    sizes.delete(topic);
  };
  return {
    admit(topic, payloadBytes) {
      const before = sizes.get(topic) ?? 0;
      if (payloadBytes === 0) {
        drop(topic);
        return true;
      }
      const size = payloadBytes + Buffer.byteLength(topic) + PER_MESSAGE_BYTES;
      if (used - before + size > maxBytes) return false;
      used += size - before;
      sizes.set(topic, size);
      return true;
    },
    release: drop,
    get used() {
      return used;
    },
  };
}

/** The username of the bridge's own connection; the password is random per start (bridgeLogin). */
export const BRIDGE_USER = 'raritan2mqtt-bridge';

/** A credential only the bridge's own client knows: it never leaves the process. */
export function createBridgeLogin(): { username: string; password: string } {
  return { username: BRIDGE_USER, password: randomBytes(32).toString('base64url') };
}

/**
 * Whether a client other than the bridge may publish to `topic`: under the bridge's base topic only
 * the command topics (`<base>/<pdu>/outlet/<n>/set`, `…/name/set`, and the requests under the
 * bridge's root, `<base>/bridge/request/…` or `<base>/bridge/<bridgeId>/request/…`), under
 * the discovery prefix only Home Assistant's birth and will (`<prefix>/status`); anything else
 * outside both. So nobody replaces the bridge's retained state, availability or discovery configs.
 */
export function othersMayPublish(topic: string, t: TopicOptions): boolean {
  const under = (prefix: string) => topic === prefix || topic.startsWith(`${prefix}/`);
  if (under(t.baseTopic)) return parseCommandTopic(t, topic).kind !== 'other';
  if (under(t.discoveryPrefix)) return topic === `${t.discoveryPrefix}/status`;
  return true;
}

/** The part of mqtt-packet's parser (aedes' `client._parser`) the size limit hooks into. */
interface PacketParser {
  packet: { length: number };
  _parseLength(): boolean;
  _emitError(error: Error): void;
}

const isParser = (p: unknown): p is PacketParser =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as PacketParser)._parseLength === 'function' &&
  typeof (p as PacketParser)._emitError === 'function';

/**
 * Refuses a packet as soon as its fixed header announces more than `limit()` bytes, before the body is
 * buffered (aedes has no size option and recommends a frame limit of one's own; mqtt-packet only
 * knows the length once it has parsed the header). The parser's error closes the connection, as
 * aedes does for any protocol error. Returns false when the parser is not the expected one: then
 * only the check on complete publishes (authorizePublish) applies.
 */
export function limitPacketSize(client: unknown, limit: () => number): boolean {
  const parser = (client as { _parser?: unknown })._parser;
  if (!isParser(parser)) return false;
  const parseLength = parser._parseLength;
  parser._parseLength = function (this: PacketParser) {
    const done = parseLength.call(this);
    if (done && this.packet.length > limit()) {
      this._emitError(new Error(`packet of ${this.packet.length} bytes is over the limit of ${limit()}`));
      return false;
    }
    return done;
  };
  return true;
}
