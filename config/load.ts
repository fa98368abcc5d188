import { existsSync, readFileSync } from 'node:fs';
import convict from 'convict';
import JSON5 from 'json5';
import { BRIDGE_TOPIC_NAMES, defaultBridgeId } from '../bridge/mqtt/topics.ts';
import { ConfigError, type ConfigIssue, issuesFromConvict } from './errors.ts';
import { collectProblems, isPlainObject } from './formats.ts';
import { checkPdus, registerPdusFormat, resolvePdu } from './pdus.ts';
import { type RawConfig, schema } from './schema.ts';
import { shapeProblems } from './shape.ts';
import { applySinglePduEnv } from './single-pdu.ts';
import type { Config, LogLevel, PduConfig, PduInput, SnmpConfig } from './types.ts';

export { ConfigError, type ConfigIssue } from './errors.ts';
export { hasWriteAccess } from './pdus.ts';
export { REDACTED, redactConfig } from './redact.ts';
export type * from './types.ts';

registerPdusFormat();

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Values that win over file and env: the CLI's flags and the demo command (`{ demo: true, pdus: [...] }`).
 * `pdus` replaces the list wholesale (the R2M_PDU_* variables do not apply to it).
 */
export interface ConfigOverrides {
  pdus?: readonly PduInput[];
  snmp?: Partial<RawConfig['snmp']>;
  mqtt?: Partial<RawConfig['mqtt']>;
  http?: Partial<RawConfig['http']>;
  db?: Partial<RawConfig['db']>;
  log?: Partial<RawConfig['log']>;
  demo?: boolean;
}

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

/** schema key → env variable, for naming the variable in errors. */
function envNames(node: object, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, child] of Object.entries(node)) {
    if (!isPlainObject(child)) continue;
    if ('default' in child) {
      if (typeof child.env === 'string') out.set(`${prefix}${key}`, child.env);
    } else envNames(child, `${prefix}${key}.`, out);
  }
  return out;
}
const ENV_NAMES = envNames(schema);

function applyOverrides(config: convict.Config<RawConfig>, overrides: ConfigOverrides): Set<string> {
  const paths = new Set<string>();
  for (const [section, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const leaves = section === 'pdus' || !isPlainObject(value) ? [[section, value] as const] : [];
    if (leaves.length === 0) {
      for (const [key, leaf] of Object.entries(value)) {
        if (leaf !== undefined) leaves.push([`${section}.${key}`, leaf]);
      }
    }
    for (const [path, leaf] of leaves) {
      config.set(path, leaf);
      paths.add(path);
    }
  }
  return paths;
}

/** Whether an MQTT URL carries a password of its own (mqtt://user:password@host). */
function urlHasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

function crossCheck(raw: RawConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const pair = (
    section: 'mqtt' | 'http',
    a: 'username' | 'password',
    b: 'username' | 'password',
    why = '',
  ) => {
    if (raw[section][a] !== '' && raw[section][b] === '') {
      issues.push({ key: `${section}.${b}`, reason: `is required with ${section}.${a}${why}` });
    }
  };
  pair('http', 'username', 'password');
  pair('http', 'password', 'username');
  pair('mqtt', 'password', 'username');
  const embedded = raw.mqtt.url === '';
  // A username alone: the embedded broker would then refuse every client, the bridge itself included.
  if (embedded || !urlHasPassword(raw.mqtt.url)) {
    pair(
      'mqtt',
      'username',
      'password',
      embedded ? ' (the embedded broker would refuse every client, the bridge included)' : '',
    );
  }

  if ((BRIDGE_TOPIC_NAMES as readonly string[]).includes(raw.mqtt.bridgeId)) {
    issues.push({
      key: 'mqtt.bridgeId',
      reason: `"${raw.mqtt.bridgeId}" is reserved (a topic of the bridge itself: ${BRIDGE_TOPIC_NAMES.join(', ')})`,
    });
  }
  if (raw.mqtt.ca !== '' && !existsSync(raw.mqtt.ca)) {
    issues.push({ key: 'mqtt.ca', reason: `file not found: ${raw.mqtt.ca}` });
  }
  return issues;
}

const orNull = (value: string): string | null => (value === '' ? null : value);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function build(raw: RawConfig, file: string | null): Config {
  const snmp: SnmpConfig = { ...raw.snmp };
  const pdus: PduConfig[] = checkPdus(raw.pdus).pdus.map((pdu) => resolvePdu(pdu, snmp));
  const { mqtt, http } = raw;
  return deepFreeze({
    pdus,
    snmp,
    mqtt: {
      ...mqtt,
      url: orNull(mqtt.url),
      host: mqtt.host || (mqtt.username !== '' && mqtt.password !== '' ? '0.0.0.0' : '127.0.0.1'),
      wsPort: mqtt.wsPort === 0 ? null : mqtt.wsPort,
      username: orNull(mqtt.username),
      password: orNull(mqtt.password),
      ca: orNull(mqtt.ca),
      bridgeId: mqtt.bridgeId || defaultBridgeId(mqtt.baseTopic),
    },
    http: {
      ...http,
      token: orNull(http.token),
      username: orNull(http.username),
      password: orNull(http.password),
    },
    db: { ...raw.db },
    log: { level: raw.log.level as LogLevel },
    demo: raw.demo,
    file,
  });
}

/**
 * Reads, merges and validates the configuration. Precedence: defaults < file < env < overrides.
 * Throws ConfigError (one line naming the key) on any problem; returns a frozen, fully typed Config.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  // docker-compose and shells pass `VAR=` for unset variables: an empty value counts as unset.
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env ?? process.env)) {
    if (value !== undefined && value !== '') env[name] = value;
  }
  const file = options.file ?? env.R2M_CONFIG ?? null;
  const raw = file === null ? {} : readFile(file, options.file === undefined ? 'R2M_CONFIG' : 'file');

  const shape = shapeProblems(raw, schema);
  if (shape.length > 0) throw new ConfigError(shape.map((p) => ({ key: p.key ?? '?', reason: p.message })));

  const single = applySinglePduEnv(raw.pdus, env);
  if (single.pdus !== undefined) raw.pdus = single.pdus;

  const config = convict(schema, { env, args: [] });
  config.load(raw);
  const overridden = applyOverrides(config, options.overrides ?? {});
  const { problems, error } = collectProblems(() => {
    config.validate({ allowed: 'strict' });
  });
  if (error) {
    // Name where a bad value came from when it was not the file.
    const where = (issue: ConfigIssue): ConfigIssue => {
      const pduEnv = single.envKeys.get(issue.key);
      const envName = ENV_NAMES.get(issue.key);
      if (overridden.has(issue.key)) return issue;
      if (pduEnv) return { ...issue, key: `${pduEnv} (${issue.key})` };
      if (envName && env[envName] !== undefined) return { ...issue, key: `${issue.key} (${envName})` };
      return issue;
    };
    throw new ConfigError(issuesFromConvict(problems, error).map(where));
  }

  const props = config.getProperties();
  const cross = crossCheck(props);
  if (cross.length > 0) throw new ConfigError(cross);
  return build(props, file);
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
