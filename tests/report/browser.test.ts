// The report in a real browser: headless Chromium (Debian's, driven by playwright-core) opens the
// generated page from a file:// URL, finds every chart by data-chart with a drawn svg, sees no
// console error and no request leaving the file, and keeps a screenshot as an artifact.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, CHART_NAMES, renderHtml } from '../../report/index.js';
import { ROOT } from '../helpers/paths.js';
import { needs } from '../helpers/tools.js';
import { inputs, OPTIONS, SWEEP_FIXTURE, synthDoc } from './common.js';

export const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'tests/report/artifacts');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (run: npm run tools, which installs Debian's chromium)`;

/** What the test reads of an svg element in the page (tests are compiled without the DOM's types). */
interface SvgLike {
  getBBox(): { width: number; height: number };
  querySelectorAll(selector: string): { length: number };
}

describe.skipIf(needs(missing))('report in headless Chromium', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-report-browser-'));
  const page = join(ARTIFACTS, 'report.html');
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  beforeAll(async () => {
    const synth = [2, 4].map((l) => {
      const p = join(tmp, `synth-${l}.json`);
      writeFileSync(p, JSON.stringify(synthDoc(l)));
      return p;
    });
    const data = await buildReport(inputs(), { ...OPTIONS, sweep: [SWEEP_FIXTURE], synth, title: 'browser test report' });
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(page, renderHtml(data));
  });

  it('every chart has a drawn svg, no console error, nothing fetched; screenshot kept', async () => {
    const { chromium } = await import('playwright-core');
    const ctx = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    try {
      const tab = await ctx.newPage();
      tab.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      tab.on('pageerror', (e) => errors.push(e.message));
      tab.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(page).href;
      await tab.goto(url, { waitUntil: 'load' });
      const found = await tab.locator('figure[data-chart]').evaluateAll((figs) => figs.map((f) => {
        const svg = f.querySelector('svg') as unknown as SvgLike | null;
        const box = svg?.getBBox();
        return { name: f.getAttribute('data-chart'), marks: svg ? svg.querySelectorAll('rect, line, circle, text').length : 0, width: box?.width ?? 0, height: box?.height ?? 0, titles: svg ? svg.querySelectorAll('title').length : 0 };
      }));
      expect(found.map((f) => f.name)).toEqual([...CHART_NAMES]);
      for (const f of found) {
        expect(f.marks, `${f.name}: marks`).toBeGreaterThan(5);
        expect(f.width, `${f.name}: drawn width`).toBeGreaterThan(100);
        expect(f.height, `${f.name}: drawn height`).toBeGreaterThan(40);
      }
      // data charts carry hover text; the lane map's names a syllable and where it came from
      for (const name of ['passes', 'lanes', 'lane-map', 'strategies', 'mpps', 'latency', 'resources', 'sweep']) expect(found.find((f) => f.name === name)!.titles, name).toBeGreaterThan(0);
      const hover = await tab.locator('figure[data-chart="lane-map"] svg rect title').first().textContent();
      expect(hover).toMatch(/^row 0, lane 0: .+\n(insn \d+|made by the compiler)/);
      const png = join(ARTIFACTS, 'report.png');
      await tab.screenshot({ path: png, fullPage: true });
      console.log(`report screenshot: ${png} (page: ${page}; charts: ${found.map((f) => f.name).join(', ')})`);
      expect(errors).toEqual([]);
      expect(requests.filter((r) => r !== url)).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
