import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenPanel, openPanel, SHOTS } from './panel-kit.ts';

/**
 * The panel's events list (ui/src/components/Events.svelte): renames made through the bridge (this
 * stack does not allow switching) show up in it as they happen, from the live stream, and are still there after a reload,
 * from the history.
 */

let app: OpenPanel;

beforeAll(async () => {
  app = await openPanel({ pollInterval: 3600, days: 0 });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('the events list', () => {
  it('shows renames as they happen, newest first, and again after a reload', async () => {
    const { page, stack } = app;
    await page.waitForSelector('[data-testid=events]');
    expect((await stack.bridge.commands.rename({ pdu: 'pdu1', outlet: 4, name: 'first e2e' })).status).toBe(
      'ok',
    );
    const line = (text: string) => page.locator('[data-testid=event]', { hasText: text });
    await line('“first e2e”').waitFor({ timeout: 15_000 });
    expect((await stack.bridge.commands.rename({ pdu: 'pdu1', outlet: 7, name: 'events e2e' })).status).toBe(
      'ok',
    );
    await line('“events e2e”').waitFor({ timeout: 15_000 });
    // Newest first.
    expect(await page.locator('[data-testid=event]').first().textContent()).toContain('events e2e');
    await page.locator('[data-testid=events]').screenshot({ path: join(SHOTS, 'events-1400.png') });

    await page.reload();
    await page.waitForSelector('[data-health=live]', { timeout: 20_000 });
    await line('“events e2e”').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=event]').count()).toBeGreaterThanOrEqual(2);
    expect(app.problems).toEqual([]);
  });
});
