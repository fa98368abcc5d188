import { sourceOfUnit } from '../readings.ts';
import { ORIGIN_NAME } from './discovery.ts';
import { slug } from './topics.ts';

/**
 * Discovery hygiene (docs/mqtt.md: configs for PDUs or outlets that are gone are cleared), pure.
 * A retained `<prefix>/device/<id>/config` is ours when its node id carries our bridge prefix, its
 * origin is raritan2mqtt and its state topics live under our base topic; from those state topics we
 * learn which PDU unit and outlet it describes. Configs of other bridges are never touched.
 */

export interface OwnedConfig {
  topic: string;
  pdu: string;
  outlet?: number;
  payload: unknown;
}

export interface SweepOptions {
  baseTopic: string;
  discoveryPrefix: string;
  bridgeId: string;
}

export function parseOwnedConfig(topic: string, raw: string, o: SweepOptions): OwnedConfig | undefined {
  const prefix = `${o.discoveryPrefix}/device/`;
  if (!topic.startsWith(prefix) || !topic.endsWith('/config')) return undefined;
  const id = topic.slice(prefix.length, -'/config'.length);
  if (!id.startsWith(`${slug(o.bridgeId)}_`) || raw === '') return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as {
    origin?: { name?: unknown };
    state_topic?: unknown;
    components?: Record<string, { state_topic?: unknown }>;
  };
  if (p.origin?.name !== ORIGIN_NAME || typeof p.components !== 'object' || p.components === null)
    return undefined;
  // The shared state topic at the root (current configs), else the components' own (older ones).
  const stateTopics = [p.state_topic, ...Object.values(p.components).map((c) => c?.state_topic)];
  for (const st of stateTopics) {
    if (typeof st !== 'string' || !st.startsWith(`${o.baseTopic}/`)) continue;
    const parts = st.slice(o.baseTopic.length + 1).split('/');
    const pdu = parts[0];
    if (!pdu || pdu === 'bridge') continue;
    if (parts[1] === 'outlet' && parts[2] && /^\d+$/.test(parts[2]))
      return { topic, pdu, outlet: Number(parts[2]), payload };
    if (parts.length === 1 || parts[1] === 'diagnostics') return { topic, pdu, payload };
  }
  return undefined;
}

/** At start: configs of PDUs no longer in the config file. */
export function staleForRemovedPdus(owned: Iterable<OwnedConfig>, sources: readonly string[]): OwnedConfig[] {
  return [...owned].filter((c) => sourceOfUnit(c.pdu, sources) === undefined);
}

/** After a unit's reading: configs of its outlets beyond the outlets it has now. */
export function staleOutlets(
  owned: Iterable<OwnedConfig>,
  unitId: string,
  outletCount: number,
): OwnedConfig[] {
  return [...owned].filter((c) => c.pdu === unitId && c.outlet !== undefined && c.outlet > outletCount);
}

/** After a successful poll of a source: configs of linked units that poll no longer saw. */
export function staleUnits(
  owned: Iterable<OwnedConfig>,
  source: string,
  presentUnits: readonly string[],
): OwnedConfig[] {
  return [...owned].filter((c) => sourceOfUnit(c.pdu, [source]) === source && !presentUnits.includes(c.pdu));
}
