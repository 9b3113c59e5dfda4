/**
 * A generated report.html, opened in headless Chromium: it renders every chart as inline SVG
 * with drawn marks, logs no error, runs no script and fetches nothing; the decisions chart is
 * linear with a count beside each bar; `--lang zh` writes it in Chinese, and one report and
 * language give one byte sequence. Screenshots are kept in test-output/report/ for a human to
 * look at.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decisionsChart, renderReportHtml } from '../tools/simulate/report-html';
import { REPORT_LABELS } from '../tools/simulate/report-labels';
import { runScenario, ScenarioOutcome } from '../tools/simulate/scenario';
import { parseSimulateArguments } from '../tools/simulate/simulate.cli';

const CHROMIUM = '/usr/bin/chromium';
const OUT = resolve(__dirname, '..', 'test-output', 'report');
const CHARTS = ['taps-per-hour', 'decisions', 'flows', 'settlement', 'busiest-venues'];

const APPROVED_FILL = '#2f855a';
const DECLINED_FILL = '#c53030';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The bars of a chart (paths filled with one of `fills`) and its texts, as drawn. */
async function chartMarks(page: Page, chart: string, fills: string[]) {
  return page.$eval(
    `figure[data-chart="${chart}"] svg`,
    (svg, fills) => {
      const box = (el: { getBoundingClientRect(): Box }) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      const bars = [...svg.querySelectorAll('path')]
        .filter((p) => fills.includes((p.getAttribute('fill') ?? '').toLowerCase()))
        .map((p) => ({ fill: p.getAttribute('fill')!.toLowerCase(), ...box(p) }));
      const texts = [...svg.querySelectorAll('text')].map((t) => ({ text: t.textContent ?? '', ...box(t) }));
      return { bars, texts };
    },
    fills,
  );
}
const decisionsMarks = (page: Page) => chartMarks(page, 'decisions', [APPROVED_FILL, DECLINED_FILL]);

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`report-render: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`);

(haveChromium ? describe : describe.skip)('report.html in headless Chromium', () => {
  let outcome: ScenarioOutcome;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    outcome = await runScenario({ cards: 800, days: 2, seed: 'render', start: '2025-03-07', outDir: OUT, concurrency: 16 });
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

  it('draws decisions on a linear axis: bars in proportion, a reason seen once visible, each count beside its bar', async () => {
    const report = structuredClone(outcome.report);
    const byReason = Object.fromEntries(Object.keys(report.decisions.byReason).map((reason) => [reason, 0]));
    report.decisions = { APPROVED: 330, DECLINED: 7, byReason: { ...byReason, VENUE_CLOSED: 6, PASSBACK: 1 } };
    const page = await browser.newPage({ viewport: { width: 1100, height: 400 } });
    await page.setContent(`<figure class="chart" data-chart="decisions" style="margin:0">${decisionsChart(report)}</figure>`);
    const { bars, texts } = await decisionsMarks(page);
    expect(bars.map((b) => b.fill)).toHaveLength(3);
    const [approved] = bars.filter((b) => b.fill === APPROVED_FILL);
    const [passback, closed] = bars.filter((b) => b.fill === DECLINED_FILL).sort((a, b) => a.width - b.width);
    // Linear: 330 approvals are 55 times six declines (a log axis drew them 3.2 times as long).
    expect(approved.width / closed.width).toBeGreaterThan(50);
    expect(approved.width / closed.width).toBeLessThan(60);
    expect(passback.width).toBeGreaterThanOrEqual(2);
    expect(passback.height).toBeGreaterThan(5);
    for (const [bar, count] of [[approved, '330'], [closed, '6'], [passback, '1']] as const) {
      const label = texts.find((t) => t.text === count && Math.abs(t.y + t.height / 2 - (bar.y + bar.height / 2)) < 4);
      expect({ count, label: Boolean(label) }).toEqual({ count, label: true });
      expect(label!.x).toBeGreaterThanOrEqual(bar.x + bar.width);
      for (const other of bars) expect({ count, overlaps: overlaps(label!, other) }).toEqual({ count, overlaps: false });
    }
    expect(texts.map((t) => t.text)).not.toContain('taps (log scale)');
    await page.locator('figure').screenshot({ path: join(OUT, 'decisions-linear.png') });
    await page.close();
  });

  it('labels every bar of the run with its count, no label over a bar', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(pathToFileURL(outcome.htmlPath).href);
    const { bars, texts } = await decisionsMarks(page);
    const counts = [outcome.report.decisions.APPROVED, ...Object.values(outcome.report.decisions.byReason).filter((n) => n > 0)];
    expect(bars).toHaveLength(counts.length);
    for (const count of counts) expect(texts.map((t) => t.text)).toContain(count.toLocaleString('en-US'));
    for (const text of texts) for (const bar of bars) expect({ text: text.text, overlaps: overlaps(text, bar) }).toEqual({ text: text.text, overlaps: false });
    await page.locator('figure[data-chart="decisions"]').screenshot({ path: join(OUT, 'decisions-en.png') });

    // The settlement chart's net labels (who owes whom) stay off every bar, theirs and their neighbours'.
    const settlement = await chartMarks(page, 'settlement', ['#2b6cb0', '#dd6b20', '#553c9a']);
    const settlementBars = settlement.bars.filter((b) => b.height > 0 && b.width > 20); // the legend's icons are smaller
    const netLabels = settlement.texts.filter((t) => t.text.startsWith('¥') || t.text.includes('→'));
    expect(netLabels.length).toBeGreaterThan(0);
    for (const text of netLabels) for (const bar of settlementBars) expect({ text: text.text, overlaps: overlaps(text, bar) }).toEqual({ text: text.text, overlaps: false });
    await page.locator('figure[data-chart="settlement"]').screenshot({ path: join(OUT, 'settlement-en.png') });
    await page.close();
  });

  it('writes the report in Chinese with --lang zh: titles, axes, tiles, tables and legends; reason codes and venue names as they are', async () => {
    const zhPath = join(OUT, 'report.zh.html');
    writeFileSync(zhPath, renderReportHtml(outcome.report, 'zh'));
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(pathToFileURL(zhPath).href);
    const zh = REPORT_LABELS.zh;
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.textContent('h1')).toBe(zh.title);
    expect(await page.locator('section > h2').allTextContents()).toEqual([
      zh.tapsPerHour.title,
      zh.decisions.title,
      zh.flows.title,
      zh.settlement.title,
      zh.revenue.title,
      zh.busiest.title,
      zh.population.title,
    ]);
    expect(await page.locator('.tile span').allTextContents()).toEqual(Object.values(zh.tiles));
    const headers = (await page.locator('th').allTextContents()).join(' | ');
    for (const head of [...zh.settlement.head, ...zh.revenue.head, zh.flows.corner, zh.population.role, zh.population.age, zh.population.concession]) expect(headers).toContain(head);
    const chartText = async (id: string) => (await page.locator(`figure[data-chart="${id}"] svg text`).allTextContents()).join(' | ');
    expect(await chartText('taps-per-hour')).toContain(zh.tapsPerHour.sichuan);
    expect(await chartText('taps-per-hour')).toContain(zh.tapsPerHour.axis);
    expect(await chartText('decisions')).toContain('APPROVED  通过');
    expect(await chartText('decisions')).toContain(zh.decisions.axis);
    expect(await chartText('flows')).toContain('成都的卡');
    expect(await chartText('settlement')).toContain(zh.settlement.net);
    expect(await chartText('busiest-venues')).toContain(outcome.report.busiestVenues[0].name);
    expect(await chartText('busiest-venues')).toContain(zh.busiest.declined);
    // No English word of the page is left, beyond reason codes, venue codes and the API routes.
    const words = (await page.locator('body').innerText()).replaceAll(outcome.report.scenario.seed, '').replace(/POST \/taps(\/batch)?|GET \/settlements\/\{date\}|[A-Z0-9_-]{3,}/g, '');
    expect(words).not.toMatch(/[a-z]{3,}/);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(OUT, 'report-zh.png'), fullPage: true });
    await page.close();

    const en = readFileSync(outcome.htmlPath, 'utf8');
    expect(en).toContain('<html lang="en">');
    for (const english of ['Decisions by reason', 'Sichuan venues', 'cross-region taps', 'issuer (card)', 'Busiest venues']) expect(en).toContain(english);
    expect(en).not.toMatch(/[\u4e00-\u9fff]{2,}的卡|刷卡次数/);
  });

  it('gives one byte sequence for one report and language, however many charts were drawn before', () => {
    expect(renderReportHtml(outcome.report, 'en')).toBe(readFileSync(outcome.htmlPath, 'utf8'));
    expect(renderReportHtml(outcome.report, 'zh')).toBe(renderReportHtml(outcome.report, 'zh'));
    expect(renderReportHtml(outcome.report, 'zh')).not.toBe(renderReportHtml(outcome.report, 'en'));
  });

  it('takes --lang zh|en, English by default, and refuses another language', () => {
    expect(parseSimulateArguments([])).toMatchObject({ language: 'en' });
    expect(parseSimulateArguments(['--lang', 'zh'])).toMatchObject({ language: 'zh' });
    expect(() => parseSimulateArguments(['--lang', 'fr'])).toThrow('--lang must be one of en, zh, got fr');
  });
});
