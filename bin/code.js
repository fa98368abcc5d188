// Which code the `raritan2mqtt` command runs, decided without touching the sources' dates:
// - a development checkout (the TypeScript sources are here and tsx, a dev dependency, is installed)
//   runs the sources through tsx, so an edit is live at once;
// - an installed package, or a checkout with R2M_BUNDLE=1 (the benchmarks, a service run from a
//   clone after `npm run build`), runs the prebuilt bundle dist/raritan2mqtt.mjs: no TypeScript
//   loader, no dev tool, ~35 MB less resident memory.
// Plain JavaScript because it decides before any TypeScript loader exists; the bench asks the same rule.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bundle = join(root, 'dist/raritan2mqtt.mjs');
export const sources = join(root, 'bridge/cli/index.ts');

function hasTsx() {
  try {
    createRequire(import.meta.url).resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

/**
 * Node's flags for the long-running daemon, which must be given when node starts (V8 sizes its young
 * generation then): every launcher spells them (package.json's start, the Dockerfile's ENTRYPOINT,
 * deploy/raritan2mqtt.service; test/unit/node-flags.test.ts holds them to this list) and the bench runs
 * the daemon with them. At 200 PDUs the young generation grew to its default 2 × 16 MB, all of it
 * resident; at 4 MB the daemon's RSS fell from ~226 to ~193 MB at the same CPU (0.14-0.17 core): what
 * outlives 4 MB of allocation mostly lives a whole poll cycle anyway (docs/architecture.md, "Memory").
 */
export const nodeFlags = ['--max-semi-space-size=4'];

/** 'sources' or 'bundle' (see above). */
export function whichCode(env = process.env) {
  if (env.R2M_BUNDLE === '1') return 'bundle';
  return existsSync(sources) && hasTsx() ? 'sources' : 'bundle';
}
