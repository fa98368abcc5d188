import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentStatusJson, PduJson } from '../../bridge/http/bodies.ts';
import type { SimAgent } from '../../bridge/sim/agent.ts';
import type { BridgeStack } from '../../support/bridge-stack.ts';
import { type OpenBridge, openBridge, outletCount, SHOTS, sideScroll } from './panel-kit.ts';

/**
 * Everything the PDU knows, as a user sees it: the 3-phase simulator with a tripped breaker (C3), a warm
 * rack (the inlet probe past its 30 °C warning) and two outlets past their current thresholds (one
 * warning, one critical); the inlet's lines, the breakers and the environment cards say so in words.
 * Beside it a 1-phase PDU without breakers or sensors, which shows none of those cards.
 */

const RACK = 'rack3';
const PLAIN = 'plain';
/** Outlet 1 (breaker C1) past its 6.5 A warning; outlet 25 (C5) past its 8 A critical threshold. */
const WARN_OUTLET = 1;
const CRIT_OUTLET = 25;
const WARM_C = 31.2;

let app: OpenBridge;
let stack: BridgeStack;
let page: Page;
let problems: string[] = [];
let failed: string[] = [];
let rack: PduJson;

const status = async () =>
  (await (await fetch(`${stack.url}/api/current-status`)).json()) as CurrentStatusJson;
const pduOf = async (id: string) => {
  const p = (await status()).pdus.find((x) => x.id === id);
  if (!p) throw new Error(`no ${id}`);
  return p;
};
const texts = (sel: string) =>
  page.evaluate<string[]>(
    `[...document.querySelectorAll(${JSON.stringify(sel)})].map((el) => el.textContent.replace(/\\s+/g, ' ').trim())`,
  );
/** The cells of each matching table row, as text. */
const cells = (sel: string) =>
  page.evaluate<string[][]>(
    `[...document.querySelectorAll(${JSON.stringify(sel)})].map((tr) => [...tr.children].map((c) => c.textContent.trim()))`,
  );
const attrs = (sel: string, attr: string) =>
  page.evaluate<string[]>(
    `[...document.querySelectorAll(${JSON.stringify(sel)})].map((el) => el.getAttribute(${JSON.stringify(attr)}))`,
  );

async function open(id: string, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${stack.url}/?pdu=${id}`);
  await page.waitForSelector('[data-health=live]', { timeout: 20_000 });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await openBridge({
    days: 1,
    pollInterval: 3,
    pdus: [
      { id: RACK, displayName: 'Rack 3 (3-phase)', model: { outlets: 36, phases: 3, seed: 3 } },
      {
        id: PLAIN,
        displayName: 'Lab bench',
        model: { outlets: 12, breakers: 0, environment: false, seed: 5, model: 'PX3-5145R' },
      },
    ],
  });
  ({ stack, page, problems, failed } = app);
  const agent: SimAgent = stack.agents[0]!;
  const now = Date.now();
  agent.model.tripBreaker(1, 3, now);
  agent.model.setExternal(1, 1, { value: WARM_C });
  // The extra power that draws `amps` now: well past the threshold, so its state holds through the
  // model's drift (the PDU's 1 A hysteresis), and short of the next one (and of the breaker's 16 A).
  const drawing = (outlet: number, amps: number) => {
    const s = agent.model.sample(1, outlet, now);
    if (s.powerFactor === null) throw new Error(`outlet ${outlet} draws nothing`);
    return amps * s.voltage * s.powerFactor - s.power;
  };
  agent.model.addLoad(1, WARN_OUTLET, drawing(WARN_OUTLET, 7.25), now); // 6.5 A < 7.25 A < 8 A
  agent.model.addLoad(1, CRIT_OUTLET, drawing(CRIT_OUTLET, 9.5), now); // past 8 A
  await Promise.all(stack.bridge.pollers.map((p) => p.pollNow()));
  rack = await pduOf(RACK);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('the 3-phase PDU with a tripped breaker, a warm rack and alarmed outlets', () => {
  it('is in that state at the API: the setting the panel is checked against', () => {
    expect(rack.breakers.find((b) => b.label === 'C3')).toMatchObject({ tripped: true, state: 'open' });
    expect(rack.breakers.filter((b) => b.tripped).map((b) => b.label)).toEqual(['C3']);
    expect(rack.sensors[0]).toMatchObject({ value: WARM_C, alarms: { value: 'above_upper_warning' } });
    expect(rack.outlets[WARN_OUTLET - 1]!.alarms).toEqual({ current: 'above_upper_warning' });
    expect(rack.outlets[CRIT_OUTLET - 1]!.alarms).toEqual({ current: 'above_upper_critical' });
    expect(rack.rated_current).toBe(32);
  });

  it('shows each line of the inlet: current, L-L and L-N voltage, the neutral, the imbalance', async () => {
    await open(RACK, 1366);
    await page.waitForFunction(outletCount(36));
    // The inlet card has moved into the hardware row with its lines; the totals row has no second one.
    await expect(page.locator('[data-testid=inlet-card]').count()).resolves.toBe(1);
    await expect(page.locator('[data-testid=hardware] [data-testid=inlet-card]').count()).resolves.toBe(1);
    await expect(attrs('[data-testid=line]', 'data-line')).resolves.toEqual(['L1', 'L2', 'L3', 'N']);
    const rows = await cells('[data-testid=line]');
    for (const [line, , amps, ll, ln] of rows.slice(0, 3)) {
      expect(line).toMatch(/^L[123]$/);
      expect(Number(amps)).toBeGreaterThan(0);
      expect(Number(ll)).toBeGreaterThanOrEqual(380);
      expect(Number(ll)).toBeLessThanOrEqual(410);
      expect(Number(ln)).toBeGreaterThanOrEqual(220);
      expect(Number(ln)).toBeLessThanOrEqual(235);
    }
    expect(rows[3]).toEqual(['N', '', expect.stringMatching(/^[\d.]+$/), '–', '–']);
    await expect(page.textContent('[data-testid=inlet-lines] thead')).resolves.toContain('of 32 A');
    await expect(page.textContent('[data-testid=imbalance]')).resolves.toMatch(/^\d+ ?%$/);
    // Each line's bar carries the inlet thresholds' marks (25.6 A warning, 28.8 A critical of 32 A).
    const left = await attrs('[data-line=L1] [data-testid=mark-warning]', 'style');
    expect(left[0]).toContain('left: 80%');
  });

  it('shows the breakers: the tripped one in words, each load against 16 A with its marks, its outlets', async () => {
    await expect(attrs('[data-testid=breaker]', 'data-breaker')).resolves.toEqual([
      'C1',
      'C2',
      'C3',
      'C4',
      'C5',
      'C6',
    ]);
    await expect(attrs('[data-testid=breaker]', 'data-tripped')).resolves.toEqual([
      'false',
      'false',
      'true',
      'false',
      'false',
      'false',
    ]);
    await expect(page.textContent('[data-testid=tripped-count]')).resolves.toBe('1 tripped');
    const c3 = (await texts('[data-breaker=C3]'))[0] ?? '';
    expect(c3).toContain('Tripped');
    expect(c3).toContain('outlets 13–18');
    expect(c3).toContain('no power');
    const others = await texts('[data-testid=breaker]:not([data-breaker=C3])');
    for (const t of others) expect(t).not.toContain('Tripped');
    const amps = await texts('[data-testid=breaker-current]');
    expect(amps).toHaveLength(6);
    for (const a of amps) expect(a).toMatch(/^\d+\.\d of 16 A$/);
    expect(amps[2]).toBe('0.0 of 16 A');
    // 12.8 A and 14.4 A of 16 A: at 80 % and 90 % of every bar.
    await expect(attrs('[data-testid=breakers-card] [data-testid=mark-warning]', 'style')).resolves.toEqual(
      Array(6).fill('left: 80%;'),
    );
    await expect(attrs('[data-testid=breakers-card] [data-testid=mark-critical]', 'style')).resolves.toEqual(
      Array(6).fill('left: 90%;'),
    );
    // The outlets it fed say why they draw nothing.
    const tags = await page.evaluate<Record<string, [string, string]>>(
      `Object.fromEntries([...document.querySelectorAll('[data-testid=outlet]')].map((el) => [el.dataset.outlet, [el.querySelector('[data-testid=outlet-breaker]')?.textContent.trim(), el.querySelector('[data-testid=outlet-tripped]')?.textContent.trim() ?? '']]))`,
    );
    for (let o = 1; o <= 36; o++) {
      const fed = `C${Math.ceil(o / 6)}`;
      expect(tags[o]).toEqual([fed, fed === 'C3' ? 'C3 tripped' : '']);
    }
  });

  it('shows the environment: the warm probe marked as a warning, humidity, door and leak by their state', async () => {
    const sensors = await texts('[data-testid=sensor]');
    expect(sensors).toHaveLength(4);
    expect(sensors[0]).toMatch(/^Rack inlet temperature .*31\.2 ?°C$/);
    expect(sensors[0]).toContain('warning');
    expect(sensors[1]).toMatch(/^Rack inlet humidity \d+ ?%$/);
    expect(sensors[2]).toMatch(/^Rack front door (open|closed)$/);
    expect(sensors[3]).toBe('Floor leak normal');
    await expect(attrs('[data-testid=sensor]', 'data-alarm')).resolves.toEqual(['warning', '', '', '']);
    await expect(page.getAttribute('[data-testid=environment-card]', 'class')).resolves.toContain(
      'alarm-warning',
    );
  });

  it('marks the alarmed outlets, warning and critical told apart in words, and their bars carry the marks', async () => {
    const marked = await page.evaluate<Record<string, string>>(
      `Object.fromEntries([...document.querySelectorAll('[data-testid=outlet][data-alarm]:not([data-alarm=""])')].map((el) => [el.dataset.outlet, el.querySelector('[data-testid=alarm-tag]').textContent.trim()]))`,
    );
    expect(marked).toEqual({
      [WARN_OUTLET]: expect.stringMatching(/^▲ warning: current above upper warning$/),
      [CRIT_OUTLET]: expect.stringMatching(/^■ critical: current above upper critical$/),
    });
    // 6.5 A and 8.0 A of a 10 A outlet.
    const marks = await page.evaluate<string[]>(
      `(() => { const el = document.querySelector('[data-outlet="2"] [data-testid=outlet-load]'); return [el.querySelector('[data-testid=mark-warning]').style.left, el.querySelector('[data-testid=mark-critical]').style.left, el.textContent.trim()]; })()`,
    );
    expect(marks).toEqual(['65%', '80%', 'of 10 A']);
  });

  it('fits a phone and a desktop without sideways scrolling, in both themes; screenshots', async () => {
    for (const width of [1366, 390]) {
      await open(RACK, width);
      await page.waitForSelector('[data-testid=breakers-card]');
      expect(await sideScroll(page)).toBe(0);
      await page.screenshot({ path: join(SHOTS, `hardware-3phase-${width}.png`), fullPage: true });
      await page.screenshot({ path: join(SHOTS, `hardware-3phase-${width}-top.png`) });
      // The parts this test is about, at a size one can look at (a full phone page is 5000 px tall).
      await page
        .locator('[data-testid=hardware]')
        .screenshot({ path: join(SHOTS, `hardware-3phase-${width}-cards.png`) });
      for (const o of [1, 13, 25]) {
        const box = await page.locator(`[data-outlet="${o}"]`).boundingBox();
        if (!box) throw new Error(`outlet ${o} not shown`);
        await page.screenshot({
          path: join(SHOTS, `hardware-3phase-${width}-outlets-${o}.png`),
          fullPage: true,
          clip: { x: 0, y: box.y - 8, width, height: Math.min(500, box.height * 3 + 40) },
        });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await open(RACK, 1366);
    await page.waitForSelector('[data-testid=breakers-card]');
    await page.screenshot({ path: join(SHOTS, 'hardware-3phase-1366-light.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
  });
});

describe('a 1-phase PDU without breakers or sensors', () => {
  it('shows none of those cards, not empty ones: its inlet card has the inlet totals', async () => {
    const plain = await pduOf(PLAIN);
    expect(plain).toMatchObject({ lines: null, breakers: [], sensors: [] });
    for (const width of [1366, 390]) {
      await open(PLAIN, width);
      await page.waitForFunction(outletCount(12));
      for (const id of ['hardware', 'breakers-card', 'environment-card', 'inlet-lines', 'alarm-tag'])
        await expect(page.locator(`[data-testid=${id}]`).count(), id).resolves.toBe(0);
      await expect(page.locator('[aria-label=Totals] [data-testid=inlet-card]').count()).resolves.toBe(1);
      const inlet = (await texts('[data-testid=inlet-card]'))[0] ?? '';
      expect(inlet).toMatch(/Voltage ?\d+ ?V/);
      expect(inlet).toMatch(/Current ?[\d.]+ ?A/);
      await expect(page.locator('[data-testid=outlet-breaker]').count()).resolves.toBe(0);
      expect(await sideScroll(page)).toBe(0);
      await page.screenshot({ path: join(SHOTS, `hardware-1phase-${width}.png`), fullPage: true });
    }
  });

  it('had no console errors and no failed API request', () => {
    expect(problems).toEqual([]);
    expect(failed).toEqual([]);
  });
});
