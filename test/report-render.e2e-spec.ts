/**
 * A generated report.html, opened in headless Chromium: it renders every chart as inline SVG
 * with drawn marks, logs no error, runs no script and fetches nothing. A screenshot is kept in
 * test-output/report/ for a human to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { runScenario, ScenarioOutcome } from '../src/simulation/scenario/scenario';

const CHROMIUM = '/usr/bin/chromium';
const OUT = resolve(__dirname, '..', 'test-output', 'report');
const CHARTS = ['taps-per-hour', 'decisions', 'flows', 'settlement', 'busiest-venues'];

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`report-render: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`);

(haveChromium ? describe : describe.skip)('report.html in headless Chromium', () => {
  let outcome: ScenarioOutcome;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    outcome = await runScenario(
      { cards: 800, days: 2, seed: 'render', start: '2025-03-07', outDir: OUT, concurrency: 16 },
      { log: () => undefined },
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('renders every chart as SVG, without errors, scripts or requests beyond the file itself', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`failed request: ${request.url()}`));
    page.on('request', (request) => requests.push(request.url()));

    const url = pathToFileURL(outcome.htmlPath).href;
    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response?.ok()).toBe(true);

    const charts = await page.$$eval('figure.chart', (figures) =>
      figures.map((figure) => {
        const svg = figure.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          id: figure.getAttribute('data-chart'),
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: svg ? svg.querySelectorAll('path, rect, circle, polyline, polygon').length : 0,
          labels: svg ? [...svg.querySelectorAll('text')].map((t) => t.textContent ?? '') : [],
        };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(CHARTS);
    for (const chart of charts) {
      expect({ id: chart.id, drawn: chart.width > 300 && chart.height > 100 && chart.marks > 5 }).toEqual({ id: chart.id, drawn: true });
    }
    const labels = Object.fromEntries(charts.map((c) => [c.id, c.labels.join(' | ')]));
    expect(labels['taps-per-hour']).toContain('Sichuan venues');
    expect(labels.decisions).toContain('APPROVED');
    expect(labels.flows).toMatch(/Chengdu cards/);
    expect(labels.settlement).toContain(outcome.report.scenario.dates[0]);
    expect(labels['busiest-venues']).toContain(outcome.report.busiestVenues[0].code);

    expect(await page.locator('script').count()).toBe(0);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);

    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    expect(existsSync(join(OUT, 'report.png'))).toBe(true);
    await page.close();
  });
});
