import { isPlainObject } from './formats.ts';
import { pduSchema } from './pdu-schema.ts';
import { schema } from './schema.ts';
import { isLeaf, type Section } from './spec.ts';
import type { Config } from './types.ts';

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/** A copy of `value` with every set value of a `sensitive` leaf of `section` replaced. */
function hide<T extends Record<string, unknown>>(section: Section, value: T): T {
  const out: Record<string, unknown> = { ...value };
  for (const [key, node] of Object.entries(section)) {
    const v = out[key];
    if (!isLeaf(node)) {
      if (isPlainObject(v)) out[key] = hide(node, v);
    } else if (node.sensitive && typeof v === 'string' && v !== '') out[key] = REDACTED;
  }
  return out as T; // the same keys, and a string stays a string
}

/** The password of `mqtt://user:password@host` is a secret too. */
function hideUrlPassword(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = REDACTED;
    return parsed.toString();
  } catch {
    return REDACTED;
  }
}

/**
 * A deep copy for logs and the HTTP API with every secret (each `sensitive` key of the schema, and a
 * password inside the MQTT URL) replaced by '[redacted]'. Unset secrets stay null / '' so that "is a
 * write community configured?" can still be answered.
 */
export function redactConfig(config: Config): Config {
  const top = hide(schema, config);
  // writeV3 holds the write user's keys under the names of the read user's (pdus.ts withSessions).
  const pdus = config.pdus.map((pdu) => ({
    ...hide(pduSchema, pdu),
    writeV3: pdu.writeV3 && hide(pduSchema.v3, pdu.writeV3),
  }));
  return structuredClone({ ...top, pdus, mqtt: { ...top.mqtt, url: hideUrlPassword(config.mqtt.url) } });
}

/** The names of every `sensitive` key of the schemas (community, authKey, password, token, …). */
export function secretKeyNames(): string[] {
  const names = new Set<string>();
  const walk = (section: Section) => {
    for (const [key, node] of Object.entries(section)) {
      if (!isLeaf(node)) walk(node);
      else if (node.sensitive) names.add(key);
    }
  };
  walk(schema as Section);
  walk(pduSchema as Section);
  return [...names].sort();
}
