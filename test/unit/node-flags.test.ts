import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFlags, root } from '../../bin/code.js';

// Every launcher of the long-running daemon starts node with bin/code.js's nodeFlags (V8 reads them
// only when node starts), so the bench measures what a user runs.
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe("the daemon's launchers", () => {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  const entrypoint = /^ENTRYPOINT (.+)$/m.exec(read('Dockerfile'))?.[1] ?? '';
  const execStart = /^ExecStart=(.+)$/m.exec(read('deploy/raritan2mqtt.service'))?.[1] ?? '';

  it.each([
    ['npm start', (pkg.scripts.start ?? '').split(' ')],
    ["the Dockerfile's ENTRYPOINT", JSON.parse(entrypoint || '[]') as string[]],
    ['deploy/raritan2mqtt.service', execStart.split(' ')],
  ])('%s starts node with nodeFlags', (_name, argv) => {
    expect(argv.length).toBeGreaterThan(1);
    expect(argv.slice(1, 1 + nodeFlags.length)).toEqual([...nodeFlags]);
  });
});
