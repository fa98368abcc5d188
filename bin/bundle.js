// Which code the `raritan2mqtt` command runs: the prebuilt bundle (`npm run build:bridge`,
// dist/raritan2mqtt.mjs) while it is newer than every source file, else the TypeScript through tsx.
// Plain JavaScript because it decides before any TypeScript loader exists; the scale bench reads the
// same rule to say which one it measured.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bundle = join(root, 'dist/raritan2mqtt.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** True when the bundle exists, is newer than bridge/, config/ and package.json, and R2M_NO_BUNDLE is not 1. */
export function useBundle(env = process.env) {
  if (env.R2M_NO_BUNDLE === '1') return false;
  try {
    const built = statSync(bundle).mtimeMs;
    const sources = Math.max(
      newestSource(join(root, 'bridge')),
      newestSource(join(root, 'config')),
      statSync(join(root, 'package.json')).mtimeMs,
    );
    return built >= sources;
  } catch {
    return false;
  }
}
