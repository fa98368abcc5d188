import { isIP } from 'node:net';
import type { Leaf } from './spec.ts';

/**
 * The value formats of the schema. Each one knows, for the leaves that use it: what it accepts
 * (`check`, the reason when not, without the key: `must be an integer 1..65535, got "abc"`), how an
 * env or file string becomes its type (`coerce`, which leaves anything unparsable as it is so the check
 * can quote what the user wrote), what it accepts in words (`describe`, for shape errors and the
 * README), and what the Config holds (`resolve`). The limits come from the leaf (`min`, `max`,
 * `values`, `pattern`…), so one format serves many keys. The type parameters are what the file holds
 * and what the Config holds: config/spec.ts reads them to derive the types.
 */
export interface Format<In, Out = In> {
  check(value: unknown, leaf: Leaf): string | undefined;
  coerce?(text: string): unknown;
  describe(leaf: Leaf): string;
  resolve?(value: In): Out;
  /** Never quote a value of this format, whatever the key (a broker URL may carry a password). */
  readonly opaque?: boolean;
}

/** An outlet of a configured PDU: `unit` is pduId (1 without daisy-chaining, 2… for linked units). */
export interface ProtectedOutlet {
  readonly unit: number;
  readonly outlet: number;
}

/** A value quoted for an error message: strings in JSON quotes, the rest as JSON. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * What a value is, without quoting it: for secrets, and for sections and lists, which may hold secrets
 * (a community typed as a number, a URL with a password in an array). The key and the expected type
 * are enough to fix it.
 */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value === 'string' ? 'a string' : typeof value;
}

/** The value for an error message about `leaf`: quoted, or only its kind for a secret. */
export function showSafe(value: unknown, leaf: Leaf): string {
  return leaf.sensitive || FORMATS[leaf.format].opaque ? kindOf(value) : show(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;

export function isHost(value: unknown): value is string {
  return typeof value === 'string' && (isIP(value) !== 0 || HOSTNAME.test(value));
}

/**
 * A topic prefix: MQTT forbids the wildcards + and # and NUL in published topics, and an empty level
 * (leading, trailing or double /) would make `<base>/<pdu>` ambiguous for subscribers.
 */
export function topicProblem(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (/[+#]/.test(value) || value.includes('\0'))
    return `must not contain the MQTT wildcards + or #, got ${show(value)}`;
  if (value.startsWith('/') || value.endsWith('/') || value.includes('//')) {
    return `must not start or end with / or contain an empty level, got ${show(value)}`;
  }
  return undefined;
}

function range({ min, max }: Leaf): string {
  if (min !== undefined && max !== undefined) return ` ${min}..${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function number(integer: boolean): Format<number> {
  const kind = integer ? 'an integer' : 'a number';
  return {
    check: (value, leaf) => {
      const ok =
        typeof value === 'number' &&
        (integer ? Number.isInteger(value) : Number.isFinite(value)) &&
        (leaf.min === undefined || value >= leaf.min) &&
        (leaf.max === undefined || value <= leaf.max);
      return ok ? undefined : `must be ${kind}${range(leaf)}, got ${showSafe(value, leaf)}`;
    },
    coerce: (text) => (/^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(text) ? Number(text) : text),
    describe: (leaf) => `${integer ? 'integer' : 'number'}${range(leaf)}${leaf.nullable ? ' or null' : ''}`,
  };
}

const unset = (value: unknown, leaf: Leaf): boolean =>
  Boolean(leaf.optional) && (value === '' || value === null);
const orEmpty = (leaf: Leaf): string => (leaf.optional ? ' or empty' : '');

const string: Format<string> = {
  check: (value, leaf) => {
    if (unset(value, leaf)) return undefined;
    if (value === null || value === undefined) return 'is required';
    // A numeric community or password is the usual cause: say how to write it.
    if (typeof value !== 'string')
      return `must be a string, got ${showSafe(value, leaf)}${typeof value === 'number' ? ' (write it in quotes)' : ''}`;
    if (value === '') return 'must not be empty';
    const got = leaf.sensitive ? '' : `, got ${show(value)}`;
    if (leaf.minLength !== undefined && value.length < leaf.minLength)
      return `must be at least ${leaf.minLength} characters${got}`;
    if (leaf.maxLength !== undefined && value.length > leaf.maxLength)
      return `must be at most ${leaf.maxLength} characters${got}`;
    if (leaf.pattern && !leaf.pattern.test(value))
      return `must be ${leaf.patternDoc ?? `like ${leaf.pattern}`}${got}`;
    return undefined;
  },
  describe: (leaf) =>
    `${leaf.patternDoc ?? 'string'}${leaf.minLength ? `, ${leaf.minLength}+ characters` : ''}${orEmpty(leaf)}`,
};

/** PDU2-MIB's pduId and outletId are small positive integers; this is room to spare, not a PDU's limit. */
const MAX_UNIT = 255;
const MAX_OUTLET = 999;
const OUTLETS_DOC = 'outlet numbers, e.g. [1, 24], or "2:5" for outlet 5 of linked unit 2';

/** `protectedOutlets` → the outlets it names, or the reason it names none (its first bad element). */
function readOutlets(value: unknown): ProtectedOutlet[] | string {
  if (!Array.isArray(value)) return `must be a list of ${OUTLETS_DOC}, got ${show(value)}`;
  if (value.length > 1024) return `must list at most 1024 outlets, got ${value.length}`;
  const out: ProtectedOutlet[] = [];
  for (const [i, element] of value.entries()) {
    const linked = typeof element === 'string' ? /^\s*(\d{1,3})\s*:\s*(\d{1,3})\s*$/.exec(element) : null;
    const unit = linked ? Number(linked[1]) : 1;
    const outlet: unknown = linked ? Number(linked[2]) : element;
    const ok =
      typeof outlet === 'number' &&
      Number.isInteger(outlet) &&
      outlet >= 1 &&
      outlet <= MAX_OUTLET &&
      unit >= 1 &&
      unit <= MAX_UNIT;
    if (!ok) return `[${i}] must be one of ${OUTLETS_DOC}, got ${show(element)}`;
    out.push(Object.freeze({ unit, outlet }));
  }
  return out;
}

/** Declares a format; the type parameters are what the file holds and what the Config holds. */
const format = <In, Out = In>(spec: Format<In, Out>): Format<In, Out> => spec;

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export const FORMATS = {
  'r2m-int': number(true),
  'r2m-number': number(false),
  'r2m-bool': format<boolean>({
    check: (value, leaf) =>
      typeof value === 'boolean' ? undefined : `must be true or false, got ${showSafe(value, leaf)}`,
    coerce: (text) => {
      const lower = text.trim().toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : text;
    },
    describe: () => 'true / false',
  }),
  /** The leaf's `values`; its type is their union (config/spec.ts). */
  'r2m-enum': format<string>({
    check: (value, leaf) => {
      const values: readonly unknown[] = leaf.values ?? [];
      if (values.includes(value)) return undefined;
      return `must be one of ${values.map((x) => show(x)).join(', ')}, got ${showSafe(value, leaf)}`;
    },
    describe: (leaf) => (leaf.values ?? []).map((v) => JSON.stringify(v)).join(', '),
  }),
  'r2m-string': string,
  'r2m-host': format<string>({
    check: (value, leaf) => {
      if (unset(value, leaf)) return undefined;
      if (value === null || value === undefined) return 'is required';
      return isHost(value) ? undefined : `must be a hostname or IP address, got ${showSafe(value, leaf)}`;
    },
    describe: (leaf) => `hostname or IP${orEmpty(leaf)}`,
  }),
  'r2m-topic': format<string>({
    check: (value) =>
      typeof value === 'string' ? topicProblem(value) : `must be a string, got ${show(value)}`,
    describe: () => 'MQTT topic prefix',
  }),
  'r2m-mqtt-url': format<string>({
    opaque: true,
    check: (value, leaf) => {
      if (unset(value, leaf)) return undefined;
      if (typeof value !== 'string') return `must be a string, got ${kindOf(value)}`;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return 'must be a URL like mqtt://host:1883 (or empty for the embedded broker)';
      }
      // Quote only the protocol: the URL may carry a password.
      if (!/^(mqtts?|wss?|tcp|ssl|tls):$/.test(url.protocol))
        return `must use mqtt:, mqtts:, ws: or wss:, got ${show(url.protocol)}`;
      return undefined;
    },
    describe: (leaf) => `mqtt(s):// or ws(s):// URL${orEmpty(leaf)}`,
  }),
  'r2m-outlets': format<readonly (number | string)[], readonly ProtectedOutlet[]>({
    check: (value) => {
      const outlets = readOutlets(value);
      return typeof outlets === 'string' ? outlets : undefined;
    },
    describe: () => 'array of outlet numbers or "unit:outlet"',
    resolve: (value) => {
      const outlets = readOutlets(value);
      if (typeof outlets === 'string') throw new Error(`protectedOutlets: ${outlets}`); // checked before
      return Object.freeze(outlets);
    },
  }),
  /** A list whose elements follow the leaf's `items` schema, each element read on its own (read.ts). */
  'r2m-pdus': format<readonly unknown[]>({
    opaque: true,
    check: (value) => (Array.isArray(value) ? undefined : `must be an array, got ${kindOf(value)}`),
    describe: () => 'an array of PDU objects',
  }),
} as const;

/** The Config's value of a leaf whose value passed the check (its format's `resolve`, or itself). */
export function resolveValue(leaf: Leaf, value: unknown): unknown {
  const spec: Format<unknown> = FORMATS[leaf.format];
  return spec.resolve ? spec.resolve(value) : value;
}
