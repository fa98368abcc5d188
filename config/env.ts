import type { ConfigIssue } from './errors.ts';
import { pduSchema } from './pdu-schema.ts';
import { schema } from './schema.ts';
import { leaves } from './spec.ts';
import { closest } from './suggest.ts';

/**
 * The environment side of the schema: which variable sets which key, and the `R2M_*` variables that
 * set none. Those are reported as warnings, not errors: a shell or a shared env file may hold other
 * tools' variables with our prefix, and the bridge ignores them either way (docs/config.md).
 */

/** The variable that names the config file. */
export const CONFIG_FILE_ENV = 'R2M_CONFIG';

/** Top-level key → its variable (the single-PDU ones are config/single-pdu.ts's). */
export const ENV_OF_KEY: ReadonlyMap<string, string> = new Map(
  [...leaves(schema)].flatMap(([path, leaf]) => (leaf.env === undefined ? [] : [[path, leaf.env]])),
);

/**
 * R2M_* variables of the project that are no setting: bin/code.js (R2M_BUNDLE), docker compose
 * (R2M_CONFIG_DIR and the published ports), the tests' helpers and the Node-RED container. A test
 * finds every R2M_* name in the repository among these or the schema's.
 */
export const NOT_SETTINGS: readonly string[] = [
  'R2M_BUNDLE',
  'R2M_CONFIG_DIR',
  'R2M_HTTP_PUBLISH_PORT',
  'R2M_DEMO_PUBLISH_PORT',
  'R2M_MQTT_PUBLISH_PORT',
  'R2M_FIXTURES',
  'R2M_CHROMIUM',
  'R2M_BROKER_HOST',
  'R2M_EXAMPLE_FLOW',
  'R2M_FLOWS_FILE',
];

/** Every variable that sets something. */
export const SETTING_VARIABLES: readonly string[] = [
  CONFIG_FILE_ENV,
  ...ENV_OF_KEY.values(),
  ...[...leaves(pduSchema)].flatMap(([, leaf]) => (leaf.env === undefined ? [] : [leaf.env])),
];

/** The name a key's variable would have by its path (mqtt.baseTopic → R2M_MQTT_BASE_TOPIC). */
const nameOf = (path: string): string =>
  `R2M_${path
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replaceAll('.', '_')
    .toUpperCase()}`;

/** A guess → the variable to suggest: the real names, and the names their keys' paths would give. */
const GUESSES = new Map<string, string>([
  ...[...ENV_OF_KEY].map(([path, env]): [string, string] => [nameOf(path), env]),
  ...SETTING_VARIABLES.map((env): [string, string] => [env, env]),
]);

const KNOWN = new Set([...SETTING_VARIABLES, ...NOT_SETTINGS]);

/** The R2M_* variables (any case) that set nothing, each with the closest real one when there is one. */
export function unknownVariables(env: Readonly<Record<string, string | undefined>>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const name of Object.keys(env)) {
    if (!/^r2m_/i.test(name) || KNOWN.has(name)) continue;
    const guess = closest(name, GUESSES.keys());
    const meant = guess === undefined ? '' : ` (did you mean ${GUESSES.get(guess)}?)`;
    issues.push({ key: name, reason: `is not a raritan2mqtt setting, ignored${meant}` });
  }
  return issues;
}
