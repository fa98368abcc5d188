import { protectedOf } from '../facts/outlet-rules.ts';
import type { Logger } from '../log.ts';
import { type PduReading, sourceOfUnit } from '../readings.ts';
import { VERSION } from '../version.ts';
import type { MqttPduOptions } from './consumer.ts';
import { buildDiscovery, type DiscoveryOptions, withRemovals } from './discovery.ts';
import { hardwareShape } from './discovery-hardware.ts';
import type { Outbox } from './outbox.ts';
import { type OwnedConfig, staleForRemovedPdus, staleOutlets, staleUnits } from './sweep.ts';
import type { Topics } from './topics.ts';

/**
 * Home Assistant discovery with its hygiene (docs/mqtt.md): which retained configs are ours,
 * announcing each unit's devices, and clearing what the bridge no longer owns (a PDU gone from the
 * config, fewer outlets, a linked unit gone), with the state topics those configs pointed at.
 */

export interface AnnouncerDeps {
  log: Logger;
  topics: Topics;
  options: { baseTopic: string; discoveryPrefix: string; bridgeId: string; viaDevice?: string };
  pdus: ReadonlyArray<MqttPduOptions>;
  outbox: Outbox;
}

export interface Announcer {
  /** The configs found retained at start: clears those of PDUs no longer configured. */
  adopt(found: readonly OwnedConfig[]): void;
  /** Announces a unit's devices (when identity or names changed) and clears its vanished outlets. */
  announce(r: PduReading): void;
  /** After a successful poll of a source: clears the devices of linked units it no longer has. */
  unitsSeen(source: string, ids: readonly string[]): void;
}

function parseConfig(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** The state topics a device config's components point at. */
function stateTopics(config: unknown): string[] {
  const components = (config as { components?: unknown } | undefined)?.components;
  if (typeof components !== 'object' || components === null) return [];
  const out = new Set<string>();
  for (const c of Object.values(components)) {
    const topic = (c as { state_topic?: unknown } | null)?.state_topic;
    if (typeof topic === 'string') out.add(topic);
  }
  return [...out];
}

export function createAnnouncer({ log, topics: t, options, pdus, outbox }: AnnouncerDeps): Announcer {
  const sources = pdus.map((p) => p.id);
  const owned = new Map<string, OwnedConfig>(); // our configs: found at start, then published
  const atStart = new Map<string, unknown>(); // configs as found at start (for removal markers)
  const built = new Map<string, string>(); // unit id -> what its discovery was built from
  const serials = new Map<string, string>(); // serial -> unit id
  const swept = new Map<string, string>(); // source -> its unit ids at the last sweep of its units

  function clearConfig(c: OwnedConfig): void {
    log.info(
      { topic: c.topic, pdu: c.pdu, outlet: c.outlet },
      'clearing a discovery config the bridge no longer owns',
    );
    const config = c.payload ?? parseConfig(outbox.discovery(c.topic));
    owned.delete(c.topic);
    built.delete(c.pdu);
    outbox.clear(c.topic);
    if (c.outlet !== undefined) outbox.clear(t.outlet(c.pdu, c.outlet));
    else {
      for (const topic of [t.pdu(c.pdu), t.availability(c.pdu), t.diagnostics(c.pdu)]) outbox.clear(topic);
      // Its protectors' and sensors' topics: every state topic of the unit the config pointed at.
      for (const topic of stateTopics(config)) if (topic.startsWith(`${t.pdu(c.pdu)}/`)) outbox.clear(topic);
    }
  }

  function discoveryOptions(r: PduReading): DiscoveryOptions {
    const source = sourceOfUnit(r.id, sources);
    const p = pdus.find((x) => x.id === source);
    return {
      ...options,
      swVersion: VERSION,
      allowSwitching: p?.allowSwitching ?? false,
      canWrite: p?.canWrite ?? false,
      protectedOutlets: p ? protectedOf(p, r.unit) : new Set(),
      maxNameLength: p?.maxNameLength ?? 64,
      ...(p?.configurationUrl ? { configurationUrl: p.configurationUrl } : {}),
    };
  }

  return {
    adopt(found) {
      // Configs found now may belong to units a source stopped reporting before: sweep each again.
      swept.clear();
      for (const c of found) {
        owned.set(c.topic, c);
        atStart.set(c.topic, c.payload);
      }
      for (const c of staleForRemovedPdus(owned.values(), sources)) clearConfig(c);
    },

    announce(r) {
      const id = r.id;
      // Discovery depends only on identity, outlet labels, names and outletSwitchable, and which lines,
      // protectors and sensors the unit has: rebuilt when those change, not every poll (200 PDUs of 36
      // outlets would otherwise rebuild 7,400 configs per cycle).
      const key = JSON.stringify([
        r.identity,
        r.outlets.map((o) => [o.outlet, o.label, o.name, o.switchable === true]),
        hardwareShape(r),
      ]);
      if (built.get(id) === key) return;
      built.set(id, key);
      const serial = r.identity.serial;
      const twin = serial ? serials.get(serial) : undefined;
      if (twin !== undefined && twin !== id) {
        log.warn(
          { pdu: id, other: twin, serial },
          'two PDUs report one serial: Home Assistant will see duplicate unique ids',
        );
      }
      if (serial) serials.set(serial, id);
      const messages = buildDiscovery(r, discoveryOptions(r));
      for (const m of messages) {
        // Components the last config had and this one lacks (a switch on an outlet the PDU no longer
        // reports switchable) are removed in HA, not left behind as dead entities.
        const previous = atStart.get(m.topic) ?? parseConfig(outbox.discovery(m.topic));
        outbox.setDiscovery(m.topic, JSON.stringify(withRemovals(m.payload, previous)));
        // Only the JSON string is kept (in the outbox): at 7,200 outlets the payload objects alone
        // held ~90 MB. The config found at start served its purpose once its removal markers are out.
        atStart.delete(m.topic);
        owned.set(m.topic, { topic: m.topic, pdu: id, outlet: m.outlet, payload: undefined });
      }
      for (const c of staleOutlets(owned.values(), id, r.outlets.length)) clearConfig(c);
      for (const m of messages) outbox.sync(m.topic);
    },

    unitsSeen(source, ids) {
      // Configs are added only by adopt() and by announce() for units a poll reported, so with the
      // units of the last sweep nothing of this source can have gone stale. Scanning every owned
      // config on every poll was half of all the bridge allocated at 7,200 outlets (a heap profile),
      // and it grows with PDUs × outlets.
      const key = ids.join('\n');
      if (swept.get(source) === key) return;
      swept.set(source, key);
      for (const c of staleUnits(owned.values(), source, ids)) clearConfig(c);
    },
  };
}
