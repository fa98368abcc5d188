import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withConfigReference } from '../../scripts/readme-config.ts';

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('documents exactly the configuration the schema enforces (npm run docs regenerates it)', () => {
    expect(withConfigReference(readme)).toBe(readme);
    expect(readme).toContain('`R2M_PDU_HOST`');
  });

  it('gives the quick start as two commands: the demo and the tests', () => {
    const quick = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('\n## ', readme.indexOf('## Quick start') + 5),
    );
    const block = /```sh\n([\s\S]*?)```/.exec(quick)?.[1] ?? '';
    const commands = block
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm ci && npm run demo', 'bash .ci/run']);
    // .ci/run ends in the README's test command.
    expect(readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8')).toMatch(/\nnpm test\n/);
  });
});
