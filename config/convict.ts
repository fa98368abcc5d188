import convict from 'convict';
import { FORMATS } from './formats.ts';
import type { Leaf, Section } from './spec.ts';

/**
 * Everything the configuration asks of convict, and the places convict needs help, in one file.
 * Convict fills the defaults, maps the env variables to keys and coerces env and file strings with the
 * formats' `coerce`. What it is not asked to do, and why:
 * - validate: its validate() throws one joined message and keeps neither the keys nor the reasons, so
 *   config/read.ts runs the same format checks itself and collects every issue of one call;
 * - look at shapes: it merges an object given for a value by descending into the value's schema item
 *   (a TypeError), and reports a section given as a number as "missing": config/read.ts inspects the
 *   input first and hands convict only what has the schema's shape;
 * - descend into arrays: each element of a list (`pdus`) gets its own instance (`fill`);
 * - overrides: load() imports the environment again after the object it merges, so env would beat the
 *   CLI's and the demo's overrides; they are `set` key by key instead.
 */

let registered = false;

/** Convict's format table is process-wide: each format is registered once, by name, for the schema. */
function registerFormats(): void {
  if (registered) return;
  registered = true;
  for (const [name, spec] of Object.entries(FORMATS)) {
    const { coerce } = spec;
    convict.addFormat({
      name,
      // Not called by this project (see above); given so that convict.validate() would agree.
      validate: (value: unknown, leaf: Leaf) => {
        const reason = spec.check(value, leaf);
        if (reason) throw new Error(reason);
      },
      ...(coerce && { coerce }),
    });
  }
}

/** Every leaf path of `tree` with a value (not undefined), in schema order. */
function* setPaths(
  schema: Section,
  tree: Record<string, unknown>,
  prefix = '',
): Generator<[string, unknown]> {
  for (const [key, node] of Object.entries(schema)) {
    const value = tree[key];
    if (value === undefined) continue;
    if ('default' in node) yield [`${prefix}${key}`, value];
    else yield* setPaths(node, value as Record<string, unknown>, `${prefix}${key}.`);
  }
}

/**
 * Defaults < file < env < overrides, strings coerced. `file` and `overrides` must have the schema's
 * shape (config/read.ts inspect). Returns the values and the keys the overrides set.
 */
export function merge(
  schema: Section,
  sources: { file: Record<string, unknown>; env: Record<string, string>; overrides: Record<string, unknown> },
): { values: Record<string, unknown>; overridden: Set<string> } {
  registerFormats();
  const config = convict<Record<string, unknown>>(schema, { env: sources.env, args: [] }).load(sources.file);
  const overridden = new Set<string>();
  for (const [path, value] of setPaths(schema, sources.overrides)) {
    config.set(path, value);
    overridden.add(path);
  }
  return { values: config.getProperties(), overridden };
}

/** One element of a list: defaults filled, strings coerced; no env (a list's `env` edits one element). */
export function fill(schema: Section, element: Record<string, unknown>): Record<string, unknown> {
  registerFormats();
  return convict<Record<string, unknown>>(schema, { env: {}, args: [] }).load(element).getProperties();
}
