#!/usr/bin/env node
// The `raritan2mqtt` command: the sources through tsx in a development checkout, the prebuilt bundle
// everywhere else (bin/code.js says which, and why).
import { existsSync } from 'node:fs';
import { bundle, sources, whichCode } from './code.js';

if (whichCode() === 'sources') {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources);
} else if (existsSync(bundle)) {
  await import(bundle);
} else {
  process.stderr.write(`raritan2mqtt: ${bundle} is missing: run npm run build\n`);
  process.exit(1);
}
