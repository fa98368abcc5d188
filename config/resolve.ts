import { defaultBridgeId } from '../bridge/mqtt/topics.ts';
import type { ConfigIssue } from './errors.ts';
import { isPlainObject, resolveValue } from './formats.ts';
import { withSessions } from './pdus.ts';
import { schema } from './schema.ts';
import { isLeaf, type Section, type Settings } from './spec.ts';
import type { Config, ConfigValues } from './types.ts';

/** From checked values to the Config the bridge reads. */

function valueAt(tree: Record<string, unknown>, path: string): unknown {
  let node: unknown = tree;
  for (const key of path.split('.')) node = isPlainObject(node) ? node[key] : undefined;
  return node;
}

/** The rules Settings<S> (config/spec.ts) describes: unset → null, inherit, the format's resolve. */
function settle(section: Section, values: Record<string, unknown>, top: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(section)) {
    const value = values[key];
    if (!isLeaf(node)) out[key] = settle(node, value as Record<string, unknown>, top);
    else if (node.items) {
      const items = node.items;
      out[key] = (value as Record<string, unknown>[]).map((v) => settle(items, v, top));
    } else if (node.inherit) out[key] = value ?? valueAt(top, `${node.inherit}.${key}`);
    else if (node.unset !== undefined && value === node.unset) out[key] = null;
    else out[key] = resolveValue(node, value);
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The Config: the settled values, the PDUs' sessions, and what the schema leaves to be derived. */
export function build(values: ConfigValues, file: string | null, warnings: ConfigIssue[]): Config {
  // settle() applies exactly the rules of Settings<typeof schema>.
  const settled = settle(schema, values, values) as Settings<typeof schema>;
  const { mqtt } = settled;
  return deepFreeze({
    ...settled,
    pdus: settled.pdus.map(withSessions),
    mqtt: {
      ...mqtt,
      // Empty: loopback without credentials, all interfaces with them, as Mosquitto 2 (docs/security.md).
      host: mqtt.host || (mqtt.username !== null && mqtt.password !== null ? '0.0.0.0' : '127.0.0.1'),
      bridgeId: mqtt.bridgeId || defaultBridgeId(mqtt.baseTopic),
    },
    file,
    warnings,
  });
}
