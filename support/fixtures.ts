import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real walks are LibreNMS' (GPLv3) and never copied into this repo. Tests find them in
 * $R2M_FIXTURES, or in ../shared/fixtures/raritan beside the clone (as on CI). Without them the
 * real-walk tests skip and say where to put them.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const fixturesDir: string = process.env.R2M_FIXTURES ?? join(repoRoot, '../shared/fixtures/raritan');

export function hasFixture(name: string): boolean {
  return existsSync(join(fixturesDir, name));
}

export function fixturePath(name: string): string {
  return join(fixturesDir, name);
}

export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

export const fixtureSkipMessage = (name: string) =>
  `real walk ${name} not found in ${fixturesDir}: put LibreNMS' raritan-pdu_px2/px3 .snmprec and ` +
  'raritan-pdu_px3.json there (from github.com/librenms/librenms tests/snmpsim and tests/data: ' +
  'README "Tests" says how), or set R2M_FIXTURES to their folder';
