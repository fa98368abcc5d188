import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NOT_SETTINGS, SETTING_VARIABLES } from '../../config/env.ts';
import { loadConfig } from '../../config/load.ts';

/**
 * An R2M_* variable that sets nothing is reported, not fatal: the bridge starts as without it, and the
 * warning names the variable and the closest real one (the daemon logs it, test/integration/config-cli).
 */

const warnings = (env: Record<string, string>) => loadConfig({ env }).warnings;

describe('R2M_* variables that set nothing', () => {
  it('a mistyped one is a warning naming it and the closest real one; the load goes on', () => {
    const config = loadConfig({ env: { R2M_MQTT_PROT: '1884', R2M_HTTP_PORT: '8080' } });
    expect(config.warnings).toEqual([
      {
        key: 'R2M_MQTT_PROT',
        reason: 'is not a raritan2mqtt setting, ignored (did you mean R2M_MQTT_PORT?)',
      },
    ]);
    expect(config.mqtt.port).toBe(1883);
    expect(config.http.port).toBe(8080);
  });

  it('suggests the real name of a variable guessed from its key, and a name in the wrong case', () => {
    expect(warnings({ R2M_MQTT_BASE_TOPIC: 'x', r2m_http_port: '1', R2M_PDU_COMUNITY: 'c' })).toEqual([
      {
        key: 'R2M_MQTT_BASE_TOPIC',
        reason: 'is not a raritan2mqtt setting, ignored (did you mean R2M_BASE_TOPIC?)',
      },
      {
        key: 'r2m_http_port',
        reason: 'is not a raritan2mqtt setting, ignored (did you mean R2M_HTTP_PORT?)',
      },
      {
        key: 'R2M_PDU_COMUNITY',
        reason: 'is not a raritan2mqtt setting, ignored (did you mean R2M_PDU_COMMUNITY?)',
      },
    ]);
  });

  it('one far from every setting is still named, without a guess', () => {
    expect(warnings({ R2M_WHATEVER_ELSE: '1' })).toEqual([
      { key: 'R2M_WHATEVER_ELSE', reason: 'is not a raritan2mqtt setting, ignored' },
    ]);
  });

  it('never quotes the value (it may be a misspelt secret)', () => {
    const found = warnings({ R2M_MQTT_PASWORD: 'Sekr3t-value' });
    expect(found[0]?.reason).toMatch(/did you mean R2M_MQTT_PASSWORD\?/);
    expect(JSON.stringify(found)).not.toContain('Sekr3t');
  });

  it('says nothing about settings, the project’s other variables, empty ones or other prefixes', () => {
    const env: Record<string, string> = { PATH: '/bin', R2M_UNSET_ONE: '', R2M_BUNDLE: '1' };
    for (const name of SETTING_VARIABLES) env[name] = '';
    for (const name of NOT_SETTINGS) env[name] = 'x';
    env.R2M_HTTP_PORT = '8080';
    expect(warnings(env)).toEqual([]);
  });
});

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Where variables are read: the code that ships, the deployment files, CI and the test helpers. */
const READERS = [
  'bin',
  'bridge',
  'config',
  'support',
  'scripts',
  'bench',
  'deploy',
  '.ci',
  'test/helpers',
  'Dockerfile',
  'docker-compose.yml',
];

function filesUnder(path: string): string[] {
  const full = join(root, path);
  if (!statSync(full, { throwIfNoEntry: false })) return [];
  if (statSync(full).isFile()) return [full];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .map((name) => join(full, name))
    .filter((name) => statSync(name).isFile());
}

describe('the list of variables', () => {
  it('knows every R2M_* name the repository reads: a setting, or one of the project’s other variables', () => {
    const names = new Map<string, string>();
    // config/env.ts is the list itself.
    for (const file of READERS.flatMap(filesUnder).filter((f) => !f.endsWith('config/env.ts'))) {
      for (const [name] of readFileSync(file, 'utf8').matchAll(/\bR2M_[A-Z0-9_]*[A-Z0-9]\b/g)) {
        if (!names.has(name)) names.set(name, relative(root, file));
      }
    }
    expect(names.size).toBeGreaterThan(20);
    const known = new Set([...SETTING_VARIABLES, ...NOT_SETTINGS]);
    expect([...names].filter(([name]) => !known.has(name))).toEqual([]);
    // And the list has no name the repository no longer uses.
    expect(NOT_SETTINGS.filter((name) => !names.has(name))).toEqual([]);
  });
});
