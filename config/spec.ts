import type { FORMATS, Format } from './formats.ts';

/**
 * How a schema is written (config/schema.ts, config/pdu-schema.ts), and the types that follow from
 * it. A schema is a convict schema: a node with `default` is a leaf (one setting), any other object is
 * a section. The schema objects are `as const`, so the mapped types below see each leaf's format,
 * values and flags, and derive the file's input type, convict's filled-in values and the Config the
 * bridge reads without a second description of any key (docs/config.md).
 */

export type FormatName = keyof typeof FORMATS;

export interface Leaf {
  readonly doc: string;
  readonly format: FormatName;
  /** null without `nullable`: required (the format refuses null). */
  readonly default: unknown;
  /** The environment variable that sets it (for a PDU key: of the single PDU, config/single-pdu.ts). */
  readonly env?: string;
  /** null is a value of its own (with `inherit`: "take the section's"). */
  readonly nullable?: boolean;
  /** '' (or null) is accepted: "not set". */
  readonly optional?: boolean;
  /** A secret: never quoted in an error, never in the reference's defaults, redacted in logs. */
  readonly sensitive?: boolean;
  /** The accepted values (format r2m-enum); the type is their union. */
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
  /** `pattern` in words, for errors and the reference. */
  readonly patternDoc?: string;
  /** This value means "not set": the Config holds null for it. */
  readonly unset?: '' | 0;
  /** A PDU key: null takes the same key of this top-level section. */
  readonly inherit?: 'snmp';
  /** A list whose elements follow this schema (format r2m-pdus). */
  readonly items?: Section;
}

export interface Section {
  readonly [key: string]: Leaf | Section;
}

export const isLeaf = (node: Leaf | Section): node is Leaf => 'default' in node;

/** Every leaf with its dotted path, in schema order. */
export function* leaves(section: Section, prefix = ''): Generator<[string, Leaf]> {
  for (const [key, node] of Object.entries(section)) {
    if (isLeaf(node)) yield [`${prefix}${key}`, node];
    else yield* leaves(node, `${prefix}${key}.`);
  }
}

// ---- types derived from a schema ----

type Spec<L extends Leaf> = (typeof FORMATS)[L['format']];
type In<L extends Leaf> = L extends { values: readonly (infer V)[] }
  ? V
  : Spec<L> extends Format<infer I, unknown>
    ? I
    : never;
type Out<L extends Leaf> = L extends { values: readonly (infer V)[] }
  ? V
  : Spec<L> extends Format<unknown, infer O>
    ? O
    : never;
type NullIf<C> = C extends true ? null : never;
type IsRequired<L extends Leaf> = L extends { default: null }
  ? L extends { nullable: true }
    ? false
    : true
  : false;

/** Flattens intersections, so that hovers and errors show plain objects. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

type InputLeaf<L extends Leaf> = L extends { items: infer S extends Section }
  ? readonly Input<S>[]
  : In<L> | NullIf<L extends { nullable: true } ? true : false>;
type InputNode<N> = N extends Leaf ? InputLeaf<N> : N extends Section ? Input<N> : never;
type RequiredKeys<S extends Section> = {
  [K in keyof S]: S[K] extends Leaf ? (IsRequired<S[K]> extends true ? K : never) : never;
}[keyof S];

/** What a file (or the caller's overrides) may hold: required leaves required, everything else optional. */
export type Input<S extends Section> = Simplify<
  { [K in RequiredKeys<S>]: InputNode<S[K]> } & { [K in Exclude<keyof S, RequiredKeys<S>>]?: InputNode<S[K]> }
>;

type ValueLeaf<L extends Leaf> = L extends { items: infer S extends Section }
  ? Values<S>[]
  : In<L> | NullIf<L extends { nullable: true } ? true : false>;

/** The values once convict filled the defaults and every check passed (a required one is there). */
export type Values<S extends Section> = {
  [K in keyof S]: S[K] extends Leaf ? ValueLeaf<S[K]> : S[K] extends Section ? Values<S[K]> : never;
};

type SettingLeaf<L extends Leaf> = L extends { items: infer S extends Section }
  ? readonly Settings<S>[]
  : L extends { inherit: string }
    ? Out<L>
    : Out<L> | NullIf<L extends { unset: unknown } ? true : L extends { nullable: true } ? true : false>;

/**
 * The resolved settings: a required key is there, an `unset` value is null, an `inherit`ed one is the
 * section's value, and the format's `resolve` has run (protectedOutlets are outlets). Read-only.
 */
export type Settings<S extends Section> = {
  readonly [K in keyof S]: S[K] extends Leaf
    ? SettingLeaf<S[K]>
    : S[K] extends Section
      ? Settings<S[K]>
      : never;
};
