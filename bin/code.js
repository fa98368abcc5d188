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

/** 'sources' or 'bundle' (see above). */
export function whichCode(env = process.env) {
  if (env.R2M_BUNDLE === '1') return 'bundle';
  return existsSync(sources) && hasTsx() ? 'sources' : 'bundle';
}
