import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTLET_CONFIG } from '../../bridge/snmp/mib.ts';
import type { BridgeStack } from '../../support/bridge-stack.ts';
import {
  focused,
  type OpenPanel,
  openPanel,
  outletCount,
  ringShown,
  tabTo,
  waitForChart,
} from './panel-kit.ts';

/**
 * The panel used with the keyboard only (page.keyboard: Tab, Shift+Tab, Enter, Space, Escape, arrows),
 * from a fresh load, against the whole bridge on the simulated PX3-5892: every control is reachable,
 * shows where the focus is, and does its job without a mouse.
 */

let stack: BridgeStack;
let page: Page;
let problems: string[] = [];

const sel = {
  period: (p: string) => `[aria-label=Period] button:text-is("${p}")`,
  name: (o: number) => `[data-testid=outlet][data-outlet="${o}"] [data-testid=outlet-name]`,
};

async function shownOutlets(): Promise<{ outlet: number; power: number; name: string }[]> {
  return page.evaluate(`[...document.querySelectorAll('[data-testid=outlet]')].map((el) => ({
    outlet: Number(el.dataset.outlet),
    power: el.dataset.power === '' ? -1 : Number(el.dataset.power),
    name: el.querySelector('[data-testid=outlet-name]')?.textContent ?? '',
  }))`);
}

async function snmpName(outlet: number): Promise<string> {
  const { stdout } = await promisify(execFile)(
    'snmpget',
    [
      '-v2c',
      '-c',
      'public',
      '-Ov',
      `${stack.agent.host}:${stack.agent.port}`,
      `${OUTLET_CONFIG.name}.1.${outlet}`,
    ],
    { encoding: 'utf8' },
  );
  return stdout;
}

let app: OpenPanel;

beforeAll(async () => {
  app = await openPanel({ pollInterval: 5 });
  ({ stack, page, problems } = app);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('the panel by keyboard only', () => {
  it('switches the chart period and the total/per-outlet view', async () => {
    await tabTo(page, '[aria-label=Period] button', { text: 'week' });
    await page.keyboard.press('Enter');
    await expect(page.getAttribute(sel.period('week'), 'aria-pressed')).resolves.toBe('true');
    expect((await waitForChart(page, 'power', 'week', 'total')).points).toBeGreaterThan(0);
    await waitForChart(page, 'energy', 'week', 'total');

    await tabTo(page, '[aria-label=Lines] button', { text: 'per outlet' });
    await page.keyboard.press('Space');
    const ports = await waitForChart(page, 'power', 'week', 'ports');
    expect(ports.outlets).toBeGreaterThan(20);
    // The top 8 outlets and the rest summed as "others" (ui/src/lib/lines.ts).
    expect(ports.lines).toBe(9);

    // Back to "total" with Shift+Tab, the focus ring still shown.
    await tabTo(page, '[aria-label=Lines] button', { text: 'total', back: true, max: 3 });
    await page.keyboard.press('Space');
    await waitForChart(page, 'power', 'week', 'total');
    expect((await focused(page)).text).toBe('total');
    expect(ringShown(await focused(page))).toBe(true);
  });

  it('filters the outlets by name and sorts them by power with the arrow keys', async () => {
    const model = stack.agent.model;
    const named = Array.from({ length: 36 }, (_, i) => model.outletName(1, i + 1)).filter(Boolean);
    // A word that names some outlets but not all (the demo names are like "db-02 PSU1").
    const word = (named[0] ?? '').split(/\s+/)[0] ?? '';
    const expected = named.filter((n) => n.toLowerCase().includes(word.toLowerCase())).length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(36);

    await tabTo(page, 'input[type=search]');
    await page.keyboard.type(word);
    await page.waitForFunction(outletCount(expected));
    for (const o of await shownOutlets()) expect(o.name.toLowerCase()).toContain(word.toLowerCase());
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Backspace');
    await page.waitForFunction(outletCount(36));

    await tabTo(page, 'select[aria-label="Sort outlets"]', { max: 3 });
    await page.keyboard.press('ArrowDown');
    await expect(page.inputValue('select[aria-label="Sort outlets"]')).resolves.toBe('power');
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-testid=outlet]')].every((el, i, all) => i === 0 || Number(all[i - 1].dataset.power || -1) >= Number(el.dataset.power || -1))`,
    );
    const byPower = await shownOutlets();
    expect(byPower.map((o) => o.outlet)).not.toEqual(byPower.map((o) => o.outlet).sort((a, b) => a - b));
    await page.keyboard.press('ArrowUp');
    await expect(page.inputValue('select[aria-label="Sort outlets"]')).resolves.toBe('label');
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-testid=outlet]')].every((el, i) => Number(el.dataset.outlet) === i + 1)`,
    );
  });

  it('renames an outlet: Enter starts, typing, Enter confirms; the PDU answers and stores it', async () => {
    const name = `kbd rack-${Date.now() % 10_000}`;
    await tabTo(page, sel.name(7), { max: 40 });
    await page.keyboard.press('Enter');
    let f = await focused(page);
    expect(f.testid).toBe('rename-input');
    expect(f.label).toBe('New name of outlet 7');
    // The current name is selected: typing replaces it.
    await page.keyboard.type(name);
    await page.keyboard.press('Enter');
    const card = `[data-testid=outlet][data-outlet="7"]`;
    await page.waitForSelector(`${card} [data-testid=rename-message]:has-text("PDU stored “${name}”")`, {
      timeout: 15_000,
    });
    await expect(snmpName(7)).resolves.toContain(`"${name}"`);
    expect(stack.agent.model.outletName(1, 7)).toBe(name);
    await page.waitForFunction(
      `document.querySelector('${sel.name(7)}')?.textContent === ${JSON.stringify(name)}`,
      undefined,
      { timeout: 15_000 },
    );
    // The focus comes back to the name, visibly, so the user can go on from where they were.
    f = await focused(page);
    expect(f.testid).toBe('outlet-name');
    expect(f.text).toBe(name);
    expect(ringShown(f), JSON.stringify(f)).toBe(true);
  });

  it('cancels a rename with Escape: the name is unchanged, locally and on the PDU', async () => {
    const before = stack.agent.model.outletName(1, 7);
    expect((await focused(page)).testid).toBe('outlet-name');
    await page.keyboard.press('Enter');
    expect((await focused(page)).testid).toBe('rename-input');
    await page.keyboard.type('never stored');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=outlet][data-outlet="7"] [data-testid=rename-input]', {
      state: 'detached',
    });
    const f = await focused(page);
    expect(f.testid).toBe('outlet-name');
    expect(f.text).toBe(before);
    expect(ringShown(f)).toBe(true);
    expect(stack.agent.model.outletName(1, 7)).toBe(before);
    await expect(snmpName(7)).resolves.toContain(`"${before}"`);
  });

  it('reaches every control with a visible focus, and the theme toggle works from the keyboard', async () => {
    // From the top again: the whole page in Tab order, each stop showing its ring (tabTo throws if not).
    await page.reload();
    await page.waitForFunction(outletCount(36));
    await tabTo(page, 'button[aria-label^="Switch to the light"]', { max: 5 });
    await page.keyboard.press('Enter');
    await expect(page.getAttribute('html', 'data-theme')).resolves.toBe('light');
    expect(ringShown(await focused(page))).toBe(true);
    await page.keyboard.press('Enter');
    await expect(page.getAttribute('html', 'data-theme')).resolves.toBe('dark');
    await tabTo(page, sel.name(36), { max: 120 });
    expect(problems).toEqual([]);
  });
});
