import { existsSync, readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { BRIDGE_TOPIC_NAMES } from '../bridge/mqtt/topics.ts';
import { merge } from './convict.ts';
import { CONFIG_FILE_ENV, ENV_OF_KEY, unknownVariables } from './env.ts';
import { ConfigError, type ConfigIssue } from './errors.ts';
import { isPlainObject } from './formats.ts';
import { pduIssues } from './pdus.ts';
import { type Found, inspect, newFound, readSection } from './read.ts';
import { build } from './resolve.ts';
import { schema } from './schema.ts';
import { applySinglePduEnv } from './single-pdu.ts';
import type { Config, ConfigOverrides, ConfigValues, PduConfig } from './types.ts';

export { ConfigError, type ConfigIssue } from './errors.ts';
export { hasWriteAccess } from './pdus.ts';
export { REDACTED, redactConfig } from './redact.ts';
export type * from './types.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadOptions {
  /** Config file (JSON with comments, JSON5); default: env.R2M_CONFIG; neither = defaults and env only. */
  file?: string;
  /** Environment to read; default process.env (never modified). */
  env?: Env;
  overrides?: ConfigOverrides;
}

function readFile(path: string, label: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw ConfigError.of(
      label,
      code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path} (${code})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON5.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    // JSON5 quotes the offending character ("invalid character 'p' at 3:18"): that may be the first
    // letter of an unquoted secret. The position is enough to find it.
    const message =
      error instanceof Error
        ? error.message.replace(/^JSON5: /, '').replace(/ character '.*' at (\d+:\d+)$/, ' character at $1')
        : String(error);
    throw ConfigError.of(path, `invalid JSON: ${message}`);
  }
  if (!isPlainObject(parsed)) throw ConfigError.of(path, 'must contain a JSON object ({ ... })');
  // The demo flag describes how the process was started, not the site: a file must not switch it on.
  if ('demo' in parsed) throw ConfigError.of('demo', 'is set by the demo command, not in the config file');
  return parsed;
}

/** Whether an MQTT URL carries a password of its own (mqtt://user:password@host). */
function urlHasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

/** The checks that span keys of the top-level sections, once every value is valid on its own. */
function crossIssues(values: ConfigValues): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const pair = (
    section: 'mqtt' | 'http',
    a: 'username' | 'password',
    b: 'username' | 'password',
    why = '',
  ) => {
    if (values[section][a] !== '' && values[section][b] === '') {
      issues.push({ key: `${section}.${b}`, reason: `is required with ${section}.${a}${why}` });
    }
  };
  pair('http', 'username', 'password');
  pair('http', 'password', 'username');
  pair('mqtt', 'password', 'username');
  const { url, ca } = values.mqtt;
  // A username alone: the embedded broker would then refuse every client, the bridge itself included.
  if (url === '')
    pair(
      'mqtt',
      'username',
      'password',
      ' (the embedded broker would refuse every client, the bridge included)',
    );
  else if (!urlHasPassword(url)) pair('mqtt', 'username', 'password');
  const { bridgeId } = values.mqtt;
  if ((BRIDGE_TOPIC_NAMES as readonly string[]).includes(bridgeId)) {
    issues.push({
      key: 'mqtt.bridgeId',
      reason: `"${bridgeId}" is reserved (a topic of the bridge itself: ${BRIDGE_TOPIC_NAMES.join(', ')})`,
    });
  }
  if (ca !== '' && !existsSync(ca)) issues.push({ key: 'mqtt.ca', reason: `file not found: ${ca}` });
  return issues;
}

/**
 * Reads, merges and validates the configuration. Precedence: defaults < file < env < overrides.
 * Throws ConfigError (one line naming the key; `issues` has every problem) on any problem; returns a
 * frozen, fully typed Config.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  // docker-compose and shells pass `VAR=` for unset variables: an empty value counts as unset.
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env ?? process.env)) {
    if (value !== undefined && value !== '') env[name] = value;
  }
  const file = options.file ?? env[CONFIG_FILE_ENV] ?? null;
  const raw = file === null ? {} : readFile(file, options.file === undefined ? CONFIG_FILE_ENV : 'file');
  const single = applySinglePduEnv(raw.pdus, env);
  if (single.pdus !== undefined) raw.pdus = single.pdus;

  const found: Found = newFound();
  const { values: merged, overridden } = merge(schema, {
    file: inspect(raw, schema, '', found),
    env,
    overrides: inspect(options.overrides ?? {}, schema, '', found),
  });
  // Every leaf passed its format's check, or its issue is in `found`.
  const values = readSection(schema, merged, '', found) as ConfigValues;

  const fromEnv = (issue: ConfigIssue): ConfigIssue => {
    const pduEnv = single.envKeys.get(issue.key);
    const name = ENV_OF_KEY.get(issue.key);
    if (overridden.has(issue.key)) return issue;
    if (pduEnv) return { ...issue, key: `${pduEnv} (${issue.key})` };
    if (name && env[name] !== undefined) return { ...issue, key: `${issue.key} (${name})` };
    return issue;
  };
  const issues = [...found.unknown, ...found.other.map(fromEnv)];
  if (issues.length === 0) issues.push(...pduIssues(values.pdus), ...crossIssues(values));
  if (issues.length > 0) throw new ConfigError(issues);
  return build(values, file, unknownVariables(env));
}

/** The PDUs, or a ConfigError when there is none (`run` needs at least one; the demo adds its own). */
export function requirePdus(config: Config): readonly [PduConfig, ...PduConfig[]] {
  const [first, ...rest] = config.pdus;
  if (!first) {
    throw ConfigError.of(
      'pdus',
      'no PDU configured: add one to "pdus" in the config file (R2M_CONFIG) or set R2M_PDU_HOST',
    );
  }
  return [first, ...rest];
}
