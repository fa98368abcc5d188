import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/load.ts';
import { configError, tempConfigDir } from './config-helpers.ts';

/** pdus[].protectedOutlets: outlets the bridge must never switch (docs/commands.md). */

const files = tempConfigDir();
afterAll(() => files.cleanup());

const load = (protectedOutlets: string) => {
  const file = files.write(
    `p${Math.random().toString(36).slice(2)}.json`,
    `{ "pdus": [ { "id": "a", "host": "10.0.0.1", "protectedOutlets": ${protectedOutlets} } ] }`,
  );
  return () => loadConfig({ file, env: {} });
};

describe('pdus[].protectedOutlets', () => {
  it('defaults to none', () => {
    const file = files.write('none.json', '{ "pdus": [ { "id": "a", "host": "10.0.0.1" } ] }');
    expect(loadConfig({ file, env: {} }).pdus[0]?.protectedOutlets).toEqual([]);
  });

  it('takes outlet numbers of the unit and "unit:outlet" for linked units', () => {
    const config = load('[1, 24, "2:5", " 3 : 36 "]')();
    expect(config.pdus[0]?.protectedOutlets).toEqual([
      { unit: 1, outlet: 1 },
      { unit: 1, outlet: 24 },
      { unit: 2, outlet: 5 },
      { unit: 3, outlet: 36 },
    ]);
    expect(Object.isFrozen(config.pdus[0]?.protectedOutlets)).toBe(true);
  });

  it.each([
    ['"1,2"', /must be a list of outlet numbers/],
    ['{ "outlet": 1 }', /must be array of outlet numbers/],
    ['[0]', /\[0\] must be one of outlet numbers.*got 0$/],
    ['[1, -3]', /\[1\] must be one of outlet numbers.*got -3$/],
    ['[1.5]', /got 1\.5$/],
    ['["router"]', /got "router"$/],
    ['["2:"]', /got "2:"$/],
    ['["0:4"]', /got "0:4"$/],
    ['[null]', /got null$/],
    ['[[1]]', /got \[1\]$/],
  ])('refuses %s with one line naming the key', (value, expected) => {
    const error = configError(load(value));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.key).toBe('pdus[0].protectedOutlets');
    expect(error.message).toMatch(expected);
    expect(error.message).not.toContain('\n');
  });
});
