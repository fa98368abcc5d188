import { ConfigError } from './errors.ts';
import { isPlainObject } from './formats.ts';

/**
 * The single-PDU environment variables (DESIGN.md section 3). They are not convict keys because they
 * edit one element of `pdus`; applySinglePduEnv below has the rule.
 */
export const SINGLE_PDU_ENV = [
  { env: 'R2M_PDU_HOST', field: 'host', default: '', doc: 'Host of the single PDU: creates or updates it.' },
  { env: 'R2M_PDU_PORT', field: 'port', default: '161', doc: 'SNMP port of the single PDU.' },
  {
    env: 'R2M_PDU_COMMUNITY',
    field: 'community',
    default: 'public',
    doc: 'Read community of the single PDU.',
  },
  {
    env: 'R2M_PDU_WRITE_COMMUNITY',
    field: 'writeCommunity',
    default: '',
    doc: 'Write community of the single PDU (renames).',
  },
  {
    env: 'R2M_PDU_ID',
    field: 'id',
    default: 'pdu1',
    doc: 'Id of the PDU the other R2M_PDU_* variables apply to.',
  },
] as const;

/** Keys of secrets in the `SINGLE_PDU_ENV` table (their defaults are not printed). */
export const SINGLE_PDU_SECRETS: ReadonlySet<string> = new Set([
  'R2M_PDU_COMMUNITY',
  'R2M_PDU_WRITE_COMMUNITY',
]);

/**
 * The single-PDU environment variables (DESIGN.md section 3). The rule:
 * - they apply to the PDU whose id is R2M_PDU_ID (default "pdu1");
 * - if the file's `pdus` has an element with that id, each R2M_PDU_* that is set replaces that
 *   field of it (so a file can keep its PDUs and take a community from the environment);
 * - otherwise, if R2M_PDU_HOST is set, a PDU with that id is appended (with no file: the only PDU);
 * - otherwise (port or a community set, no host, no such id) it is an error rather than a silent no-op.
 * Values stay strings here; the PDU schema coerces and validates them like file values, and errors name
 * the variable (`envKeys` maps `pdus[0].port` to R2M_PDU_PORT).
 */
export function applySinglePduEnv(
  pdus: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { pdus: unknown; envKeys: Map<string, string> } {
  const envKeys = new Map<string, string>();
  const id = env.R2M_PDU_ID ?? 'pdu1';
  const fields: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const { env: name, field } of SINGLE_PDU_ENV) {
    const value = env[name];
    if (field === 'id' || value === undefined) continue;
    fields[field] = value;
    sources[field] = name;
  }
  const set = Object.keys(fields);
  if (set.length === 0) return { pdus, envKeys };
  if (pdus !== undefined && !Array.isArray(pdus)) return { pdus, envKeys }; // the pdus format reports it

  const list: unknown[] = [...(pdus ?? [])];
  let index = list.findIndex((p) => isPlainObject(p) && p.id === id);
  if (index >= 0) {
    list[index] = { ...(list[index] as Record<string, unknown>), ...fields };
  } else if (fields.host !== undefined) {
    index = list.push({ id, ...fields }) - 1;
    if (env.R2M_PDU_ID !== undefined) envKeys.set(`pdus[${index}].id`, 'R2M_PDU_ID');
  } else {
    const first = sources[set[0] ?? ''] ?? 'R2M_PDU_*';
    throw ConfigError.of(
      first,
      `no PDU with id "${id}" to apply it to (set R2M_PDU_HOST to add one, or R2M_PDU_ID to pick one from the file)`,
    );
  }
  for (const field of set) envKeys.set(`pdus[${index}].${field}`, sources[field] ?? field);
  return { pdus: list, envKeys };
}
