#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a clone and a running bridge.
import { register } from 'tsx/esm/api';

register();
await import('../bridge/cli/index.ts');
