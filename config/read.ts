import { fill } from './convict.ts';
import type { ConfigIssue } from './errors.ts';
import { FORMATS, isPlainObject, kindOf, showSafe } from './formats.ts';
import { isLeaf, type Leaf, leaves, type Section } from './spec.ts';
import { closest } from './suggest.ts';

/**
 * Reading input against a schema, in two passes that each collect every issue of one call (no state
 * between calls): `inspect` looks at what the user wrote, before convict merges it (unknown keys and
 * values of the wrong shape, config/convict.ts says why); `readSection` checks every value once convict
 * filled the defaults and coerced the strings. Unknown keys are kept apart: a misspelt key is usually
 * why another value is not what the user expected, so they come first.
 */
export interface Found {
  readonly unknown: ConfigIssue[];
  readonly other: ConfigIssue[];
  /** Keys already reported as mis-shaped: their default is not a second issue. */
  readonly shaped: Set<string>;
}

export const newFound = (): Found => ({ unknown: [], other: [], shaped: new Set() });

function misShaped(found: Found, key: string, reason: string): void {
  found.other.push({ key, reason });
  found.shaped.add(key);
}

/** Where a section sits: its own path prefix, and the schema (and prefix) it belongs to, for suggestions. */
interface Place {
  at: string;
  root: Section;
  rootAt: string;
}

function unknownKey(key: string, section: Section, place: Place): ConfigIssue {
  const paths = [...leaves(place.root)].map(([path]) => path);
  const at = `${place.at}${key}`;
  // "mqtt.port": 1 is a key with a dot in its name, not mqtt's port.
  if (paths.includes(key)) {
    const [head, ...rest] = key.split('.');
    return { key: at, reason: `unknown key (nest it: "${head}": { "${rest.join('.')}": … })` };
  }
  // A sibling of a close name first (mqtt.prot → mqtt.port), then the same name in another section
  // (mqtt.pollInterval → snmp.pollInterval).
  const sibling = closest(key, Object.keys(section));
  const elsewhere = paths.find((path) => path.split('.').at(-1)?.toLowerCase() === key.toLowerCase());
  const meant = sibling === undefined ? elsewhere && `${place.rootAt}${elsewhere}` : `${place.at}${sibling}`;
  return { key: at, reason: meant === undefined ? 'unknown key' : `unknown key (did you mean ${meant}?)` };
}

function inspectIn(
  input: Record<string, unknown>,
  section: Section,
  place: Place,
  found: Found,
): Record<string, unknown> {
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const node = Object.hasOwn(section, key) ? section[key] : undefined;
    const path = `${place.at}${key}`;
    if (node === undefined) found.unknown.push(unknownKey(key, section, place));
    else if (value === undefined) continue;
    else if (!isLeaf(node)) {
      // A section may hold secrets: what was given instead is named by its kind only.
      if (isPlainObject(value)) clean[key] = inspectIn(value, node, { ...place, at: `${path}.` }, found);
      else misShaped(found, path, `must be an object, got ${kindOf(value)}`);
    } else if (node.items && Array.isArray(value)) {
      const items = node.items;
      clean[key] = value.map((element: unknown, i) => {
        // Each element is a schema root of its own: suggestions stay inside it.
        if (isPlainObject(element)) return inspect(element, items, `${path}[${i}].`, found);
        // A PDU holds its communities and keys: never quote what was given instead of one.
        misShaped(found, `${path}[${i}]`, `must be an object, got ${kindOf(element)}`);
        return undefined; // left out, so that the next elements keep their index
      });
    } else if (node.items || isPlainObject(value)) {
      misShaped(found, path, `must be ${FORMATS[node.format].describe(node)}, got ${showSafe(value, node)}`);
    } else clean[key] = value;
  }
  return clean;
}

/** Every unknown key and mis-shaped value of `input` (a file, overrides, one PDU); returns the rest. */
export function inspect(
  input: Record<string, unknown>,
  schema: Section,
  at: string,
  found: Found,
): Record<string, unknown> {
  return inspectIn(input, schema, { at, root: schema, rootAt: at }, found);
}

function checkLeaf(leaf: Leaf, value: unknown): string | undefined {
  return leaf.nullable && value === null ? undefined : FORMATS[leaf.format].check(value, leaf);
}

/**
 * Checks every leaf of `values` (convict's, defaults filled) and returns them, an optional null as ''
 * (both mean "not set"; one spelling keeps the rules that test for it simple). A list is read element
 * by element, each filled by convict on its own.
 */
export function readSection(
  schema: Section,
  values: Record<string, unknown>,
  at: string,
  found: Found,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema)) {
    const value = values[key];
    const path = `${at}${key}`;
    if (!isLeaf(node)) {
      out[key] = readSection(node, isPlainObject(value) ? value : {}, `${path}.`, found);
      continue;
    }
    const reason = found.shaped.has(path) ? undefined : checkLeaf(node, value);
    if (reason !== undefined) found.other.push({ key: path, reason });
    else if (node.items && Array.isArray(value)) {
      const items = node.items;
      out[key] = value.map((element: unknown, i) =>
        isPlainObject(element)
          ? readSection(items, fill(items, element), `${path}[${i}].`, found)
          : undefined,
      );
      continue;
    }
    out[key] = node.optional && value === null ? '' : value;
  }
  return out;
}
