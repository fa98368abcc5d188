import { isIP } from 'node:net';
import convict from 'convict';

/**
 * Convict formats shared by the schema. Each one throws a `Problem` whose message is the reason alone
 * (`must be an integer 1..65535, got "abc"`); the loader prefixes the key. Formats read their limits from
 * the schema item (`min`, `max`, `values`, `pattern`, `secret`), so one format serves many keys and the
 * doc generator can print the limits. Coercion only turns strings (env values) into the declared type and
 * leaves anything unparsable as it is, so the validator can quote what the user actually wrote.
 */

/** A validation failure. `key` is set when the failing key is deeper than the convict key (pdus[1].host). */
export class Problem extends Error {
  /** Set by convict to the schema key that failed. */
  fullName?: string;
  constructor(
    reason: string,
    readonly key?: string,
  ) {
    super(reason);
    // convict appends `: value was <json>` when `value` is truthy; the reason already says what is wrong
    // (and must never echo a secret), so the assignment is swallowed.
    Object.defineProperty(this, 'value', { set() {}, get: () => undefined });
  }
}

let sink: Problem[] | undefined;

/** Runs `fn` (a synchronous convict validate) and returns the Problems thrown by formats during it. */
export function collectProblems(fn: () => void): { problems: Problem[]; error: Error | undefined } {
  const outer = sink;
  const problems: Problem[] = [];
  sink = problems;
  try {
    fn();
    return { problems, error: undefined };
  } catch (error) {
    return { problems, error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    sink = outer;
  }
}

/** The extra schema-item fields the formats below read. */
export interface Limits {
  min?: number;
  max?: number;
  values?: readonly (string | number)[];
  pattern?: RegExp;
  /** Human wording of `pattern`, used in the error. */
  patternDoc?: string;
  minLength?: number;
  maxLength?: number;
  /** '' and null mean "not set". */
  optional?: boolean;
  /** convict's flag for secrets: never quote the value in an error either. */
  sensitive?: boolean;
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

/** The value for an error message: quoted, or only its kind for a secret. */
export function showSafe(value: unknown, limits?: Pick<Limits, 'sensitive'>): string {
  return limits?.sensitive ? kindOf(value) : show(value);
}

function range(limits: Limits): string {
  const { min, max } = limits;
  if (min !== undefined && max !== undefined) return ` ${min}..${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function checkNumber(value: unknown, limits: Limits, integer: boolean): void {
  const kind = integer ? 'an integer' : 'a number';
  const ok =
    typeof value === 'number' &&
    (integer ? Number.isInteger(value) : Number.isFinite(value)) &&
    (limits.min === undefined || value >= limits.min) &&
    (limits.max === undefined || value <= limits.max);
  if (!ok) throw new Problem(`must be ${kind}${range(limits)}, got ${showSafe(value, limits)}`);
}

function checkString(value: unknown, limits: Limits): void {
  const got = limits.sensitive ? '' : `, got ${show(value)}`;
  if (limits.optional && (value === null || value === '')) return;
  if (value === null || value === undefined) throw new Problem('is required');
  if (typeof value !== 'string') {
    // A numeric community or password is the usual cause: say how to write it.
    const hint = typeof value === 'number' ? ' (write it in quotes)' : '';
    throw new Problem(`must be a string, got ${showSafe(value, limits)}${hint}`);
  }
  if (!limits.optional && value === '') throw new Problem('must not be empty');
  if (limits.minLength !== undefined && value.length < limits.minLength) {
    throw new Problem(`must be at least ${limits.minLength} characters${got}`);
  }
  if (limits.maxLength !== undefined && value.length > limits.maxLength) {
    throw new Problem(`must be at most ${limits.maxLength} characters${got}`);
  }
  if (limits.pattern && !limits.pattern.test(value)) {
    throw new Problem(`must be ${limits.patternDoc ?? `like ${limits.pattern}`}${got}`);
  }
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

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;
const toNumber = (v: string): unknown => (NUMERIC.test(v) ? Number(v) : v);
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

type Validate = (value: unknown, schemaItem: unknown) => void;

/** Registers a format whose Problems are recorded for collectProblems (convict keeps only the text). */
export function addFormat(name: string, validate: Validate, coerce?: (value: string) => unknown): void {
  convict.addFormat({
    name,
    validate: (value: unknown, schemaItem: unknown) => {
      try {
        validate(value, schemaItem);
      } catch (error) {
        if (error instanceof Problem) sink?.push(error);
        throw error;
      }
    },
    ...(coerce && { coerce }),
  });
}

let registered = false;

/** Registers the r2m-* formats with convict (idempotent; convict's format table is process-wide). */
export function registerFormats(): void {
  if (registered) return;
  registered = true;
  const formats: Record<string, { validate: Validate; coerce?: (value: string) => unknown }> = {
    'r2m-int': { validate: (v, s) => checkNumber(v, s as Limits, true), coerce: toNumber },
    'r2m-number': { validate: (v, s) => checkNumber(v, s as Limits, false), coerce: toNumber },
    'r2m-bool': {
      validate: (v, s) => {
        if (typeof v !== 'boolean')
          throw new Problem(`must be true or false, got ${showSafe(v, s as Limits)}`);
      },
      coerce: (v: string) => {
        const lower = v.trim().toLowerCase();
        return TRUE.has(lower) ? true : FALSE.has(lower) ? false : v;
      },
    },
    'r2m-enum': {
      validate: (v, s) => {
        const values = (s as Limits).values ?? [];
        if (!values.includes(v as string | number)) {
          throw new Problem(
            `must be one of ${values.map((x) => show(x)).join(', ')}, got ${showSafe(v, s as Limits)}`,
          );
        }
      },
    },
    'r2m-string': { validate: (v, s) => checkString(v, s as Limits) },
    'r2m-host': {
      validate: (v, s) => {
        if ((s as Limits).optional && (v === '' || v === null)) return;
        if (v === null || v === undefined) throw new Problem('is required');
        if (!isHost(v))
          throw new Problem(`must be a hostname or IP address, got ${showSafe(v, s as Limits)}`);
      },
    },
    'r2m-topic': {
      validate: (v) => {
        if (typeof v !== 'string') throw new Problem(`must be a string, got ${show(v)}`);
        const problem = topicProblem(v);
        if (problem) throw new Problem(problem);
      },
    },
    'r2m-mqtt-url': {
      validate: (v) => {
        if (v === '' || v === null) return;
        // The URL may carry a password: a value that is not a string is named by its kind only.
        if (typeof v !== 'string') throw new Problem(`must be a string, got ${kindOf(v)}`);
        let url: URL;
        try {
          url = new URL(v);
        } catch {
          throw new Problem('must be a URL like mqtt://host:1883 (or empty for the embedded broker)');
        }
        // Quote only the protocol: the URL may carry a password.
        if (!/^(mqtts?|wss?|tcp|ssl|tls):$/.test(url.protocol)) {
          throw new Problem(`must use mqtt:, mqtts:, ws: or wss:, got ${show(url.protocol)}`);
        }
      },
    },
  };
  for (const [name, { validate, coerce }] of Object.entries(formats)) addFormat(name, validate, coerce);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
