/**
 * Panel benchmark (bench/targets.ts: JS under 120 kB gzipped; charts drawn within 1 s of load on a
 * year of data).
 *   npx tsx bench/panel.ts [--json] [--runs N]
 * Builds the panel, sums the gzipped size of what the page loads, then starts the whole bridge on the
 * simulated PX3-5892 with 400 days of history and loads the page in headless Chromium, each run in a
 * fresh profile (cold cache): navigation → both charts drawn (performance marks the panel sets when a
 * chart first draws data), and a switch to the year per outlet (click → both charts ready).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startBridgeStack } from '../support/bridge-stack.ts';
import { launchBrowser } from '../support/browser.ts';
import { median, pass, row } from './lib.ts';
import { TARGETS } from './targets.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

const TARGET_JS_KB = TARGETS.panelJsKb;
const TARGET_DRAWN_MS = TARGETS.panelDrawnMs;
const args = process.argv.slice(2);
const json = args.includes('--json');
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;

execFileSync(
  process.execPath,
  [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'ui/vite.config.ts'],
  {
    cwd: repoRoot,
    stdio: 'ignore',
  },
);
const assets = join(repoRoot, 'ui/dist/assets');
const size = (ext: string) =>
  readdirSync(assets)
    .filter((f) => f.endsWith(ext))
    .reduce(
      (acc, f) => {
        const bytes = readFileSync(join(assets, f));
        return { raw: acc.raw + bytes.length, gzip: acc.gzip + gzipSync(bytes, { level: 9 }).length };
      },
      { raw: 0, gzip: 0 },
    );
const js = size('.js');
const css = size('.css');

const stack = await startBridgeStack({ days: 400, pollInterval: 10 });
const drawn: number[] = [];
const year: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const browser = await launchBrowser({ width: 1400, height: 900 });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(stack.url);
      await page.waitForFunction(
        "performance.getEntriesByName('r2m:power-chart-drawn').length > 0 && performance.getEntriesByName('r2m:energy-chart-drawn').length > 0",
        undefined,
        { timeout: 20_000 },
      );
      drawn.push(
        await page.evaluate<number>(
          "Math.max(...['power', 'energy'].map((k) => performance.getEntriesByName('r2m:' + k + '-chart-drawn')[0].startTime))",
        ),
      );
      await page.click('button:has-text("per outlet")');
      await page.waitForSelector('[data-testid=power-chart][data-view=ports][data-ready=true]');
      const t0 = Date.now();
      await page.click('[aria-label=Period] button:has-text("year")');
      await page.waitForSelector(
        '[data-testid=power-chart][data-period=year][data-view=ports][data-ready=true]',
      );
      await page.waitForSelector(
        '[data-testid=energy-chart][data-period=year][data-view=ports][data-ready=true]',
      );
      year.push(Date.now() - t0);
    } finally {
      await browser.close();
    }
  }
} finally {
  await stack.stop();
}

/** What `--json` prints (scripts/readme-bench.ts renders the README's table from it). */
export interface PanelBench {
  jsGzipKb: number;
  jsRawKb: number;
  cssGzipKb: number;
  chartsDrawnMs: { median: number; max: number; runs: number };
  yearPerOutletMs: { median: number; max: number };
}

const result: PanelBench = {
  jsGzipKb: +(js.gzip / 1024).toFixed(1),
  jsRawKb: +(js.raw / 1024).toFixed(1),
  cssGzipKb: +(css.gzip / 1024).toFixed(1),
  chartsDrawnMs: { median: Math.round(median(drawn)), max: Math.round(Math.max(...drawn)), runs },
  yearPerOutletMs: { median: Math.round(median(year)), max: Math.round(Math.max(...year)) },
};
if (json) console.log(JSON.stringify(result));
else {
  console.log('panel (ui/dist; 400 days of history, headless Chromium, fresh profile per run)');
  row('JS gzipped (raw)', `${result.jsGzipKb} kB (${result.jsRawKb} kB)`);
  row('CSS gzipped', `${result.cssGzipKb} kB`);
  row(
    `navigation → both charts drawn, median of ${runs}`,
    `${result.chartsDrawnMs.median} ms (max ${result.chartsDrawnMs.max})`,
  );
  row(
    'switch to year per outlet → both charts ready',
    `${result.yearPerOutletMs.median} ms (max ${result.yearPerOutletMs.max})`,
  );
  row(`JS under ${TARGET_JS_KB} kB gzipped`, pass(result.jsGzipKb < TARGET_JS_KB));
  row(
    `charts drawn within ${TARGET_DRAWN_MS} ms of load`,
    pass(result.chartsDrawnMs.median < TARGET_DRAWN_MS),
  );
}
