import { ConfigError } from './errors.ts';
import { isPlainObject } from './formats.ts';
import { pduSchema } from './pdu-schema.ts';
import { leaves } from './spec.ts';

/**
 * The single-PDU environment variables: the `env` of the PDU schema's leaves (R2M_PDU_HOST, …). They
 * are not convict env keys because they edit one element of `pdus`. The rule, also the README's
 * (SINGLE_PDU_DOC):
 * - they apply to the PDU whose id is R2M_PDU_ID (default "pdu1");
 * - if the file's `pdus` has an element with that id, each R2M_PDU_* that is set replaces that
 *   field of it (so a file can keep its PDUs and take a community from the environment);
 * - otherwise, if R2M_PDU_HOST is set, a PDU with that id is appended (with no file: the only PDU);
 * - otherwise (port or a community set, no host, no such id) it is an error rather than a silent no-op.
 * Values stay strings here; the PDU schema coerces and checks them like file values, and errors name
 * the variable (`envKeys` maps `pdus[0].port` to R2M_PDU_PORT).
 */

export const SINGLE_PDU_ID = 'pdu1';
const ID_ENV = pduSchema.id.env;
const HOST_ENV = pduSchema.host.env;
const FIELDS = [...leaves(pduSchema)].flatMap(([field, leaf]) =>
  leaf.env === undefined || leaf.env === ID_ENV ? [] : [{ field, env: leaf.env }],
);

/** The rule in the README's words, next to the reference generated from the same schema. */
export const SINGLE_PDU_DOC =
  `One PDU without a file: the variables of the \`pdus[]\` keys (${FIELDS.map((f) => `\`${f.env}\``).join(', ')}) ` +
  `apply to the PDU with id \`${ID_ENV}\` (default \`${SINGLE_PDU_ID}\`): they update it when the file has it, ` +
  `and add it when \`${HOST_ENV}\` is set and the file does not.`;

export function applySinglePduEnv(
  pdus: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { pdus: unknown; envKeys: Map<string, string> } {
  const envKeys = new Map<string, string>();
  const id = env[ID_ENV] ?? SINGLE_PDU_ID;
  const set = FIELDS.filter((f) => env[f.env] !== undefined);
  if (set.length === 0) return { pdus, envKeys };
  if (pdus !== undefined && !Array.isArray(pdus)) return { pdus, envKeys }; // the pdus check reports it
  const fields = Object.fromEntries(set.map((f) => [f.field, env[f.env]]));

  const list: unknown[] = [...(pdus ?? [])];
  let index = list.findIndex((p) => isPlainObject(p) && p.id === id);
  if (index >= 0) {
    list[index] = { ...(list[index] as Record<string, unknown>), ...fields };
  } else if (fields.host !== undefined) {
    index = list.push({ id, ...fields }) - 1;
    if (env[ID_ENV] !== undefined) envKeys.set(`pdus[${index}].id`, ID_ENV);
  } else {
    throw ConfigError.of(
      set[0]?.env ?? 'R2M_PDU_*',
      `no PDU with id "${id}" to apply it to (set ${HOST_ENV} to add one, or ${ID_ENV} to pick one from the file)`,
    );
  }
  for (const f of set) envKeys.set(`pdus[${index}].${f.field}`, f.env);
  return { pdus: list, envKeys };
}
