#!/usr/bin/env node
// Runs the bridge from the prebuilt bundle when it is fresh (bin/bundle.js), else straight from the
// TypeScript sources through tsx. The bundle saves ~35 MB of resident memory (no TypeScript loader in the
// process); tsx keeps a clone runnable without a build step, and a stale bundle never runs old code.
import { bundle, useBundle } from './bundle.js';

if (useBundle()) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../bridge/cli/index.ts');
}
