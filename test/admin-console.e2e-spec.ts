import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN, freezeClock, newCard, startTestApp, tap, TestApp } from './support/test-app';

jest.setTimeout(60_000);

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = resolve(__dirname, '..', 'test-output', 'admin-console');

describe('admin console files', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves the page at /admin and /admin/ and its assets without a key', async () => {
    for (const path of ['/admin', '/admin/']) {
      const page = await t.http.get(path).expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('<script type="module" src="/admin/app.js">');
    }
    expect((await t.http.get('/admin/app.js').expect(200)).headers['content-type']).toMatch(/javascript/);
    expect((await t.http.get('/admin/styles.css').expect(200)).headers['content-type']).toMatch(/^text\/css/);
    expect((await t.http.get('/admin/nothing-here.js').expect(404)).body.code).toBe('NOT_FOUND');
    await t.http.get('/venues').expect(401);
  });
});

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`Skipping the admin console browser spec: ${CHROMIUM} is not installed (apt-get install chromium).`);

(hasChromium ? describe : describe.skip)('admin console in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startTestApp();
    // Taps are judged against the venue as it was at their occurredAt, so changes and taps share the frozen clock.
    await freezeClock(t, '2025-03-04T10:00:00+08:00');
    await t.app.listen(0, '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
    await page.goto(`${await t.app.getUrl()}/admin`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    console.log(`Admin console screenshots: ${SCREENSHOTS}`);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const rowOf = (code: string) => page.locator(`#venue-table tbody tr[data-code="${code}"]`);
  const attributeOfAll = (selector: string, name: string) => page.locator(selector).evaluateAll((els, n) => els.map((el) => el.getAttribute(n)), name);
  const visibleCodes = () => attributeOfAll('#venue-table tbody tr[data-code]', 'data-code');
  /** Moves the frozen clock on a minute and answers the new now, for the next tap. */
  async function nextMinute(): Promise<string> {
    return (await t.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 60 }).expect(200)).body.now;
  }
  async function venue(code: string) {
    return (await t.http.get(`/venues/${code}`).set(ADMIN).expect(200)).body;
  }

  it('refuses a wrong key, then signs in with an admin key kept in the session', async () => {
    await page.fill('#signin-key', 'not-a-key');
    await page.click('#signin-form button[type=submit]');
    await page.locator('#signin-error').waitFor({ state: 'visible' });
    expect(await page.textContent('#signin-error')).toContain('密钥无效');
    expect(await page.isHidden('#console-view')).toBe(true);

    await page.fill('#signin-key', 'dev-admin-key');
    await page.click('#signin-form button[type=submit]');
    await rowOf('CD-M1-TFGC').waitFor();
    expect(await page.evaluate("sessionStorage.getItem('onecard.adminKey')")).toBe('dev-admin-key');
    const { version } = (await t.http.get('/whitelist?since=1000000000').set(ADMIN).expect(200)).body;
    // The version comes with its own request, which may answer after the table's rows.
    await page.waitForFunction(`document.querySelector('#version-number').textContent === 'v${version}'`);
    expect(await page.textContent('#version-number')).toBe(`v${version}`);
  });

  it('shows the service clock in the header, frozen, and reads it again on each tab change', async () => {
    await page.locator('#service-clock:not([hidden])').waitFor();
    expect(await page.textContent('#service-clock-time')).toBe('2025-03-04 10:00');
    expect(await page.textContent('#service-clock-frozen')).toBe('冻结');
    expect(await page.isVisible('#service-clock-frozen')).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/header-clock.png`, clip: { x: 0, y: 0, width: 1360, height: 80 } });

    await t.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 120 }).expect(200);
    await page.click('[data-tab=import]');
    await page.locator('#service-clock-time:text("2025-03-04 10:02")').waitFor();
    await page.click('[data-tab=venues]');
    await freezeClock(t, '2025-03-04T10:00:00+08:00');
  });

  it('lists a new venue from the service business day, not the browser date, so a tap there is approved', async () => {
    // 00:30 in Beijing is still 2025-03-03 in UTC: the default must be the Asia/Shanghai date of the service's now.
    await freezeClock(t, '2025-03-04T00:30:00+08:00');
    try {
      await page.click('#add-venue');
      const form = page.locator('#venue-form');
      await page.locator('#venue-dialog[open]').waitFor();
      expect(await form.locator('[name=listedFrom]').inputValue()).toBe('2025-03-04');
      expect(await page.textContent('#service-clock-time')).toBe('2025-03-04 00:30');
      await form.locator('[name=code]').fill('CQ-MUS-CLOCK');
      await form.locator('[name=name]').fill('时钟测试博物馆');
      await form.locator('[name=region]').selectOption('CHONGQING');
      await form.locator('[name=cityCode]').fill('500103');
      await page.click('#venue-save');
      await page.locator('#venue-dialog').waitFor({ state: 'hidden' });
      expect((await venue('CQ-MUS-CLOCK')).listedFrom).toBe('2025-03-04');

      const card = await newCard(t, { issuerCode: '510100', balanceFen: 1000 });
      const entry = await tap(t, { cardNumber: card, venueCode: 'CQ-MUS-CLOCK', action: 'ENTRY', occurredAt: await nextMinute() });
      expect(entry).toMatchObject({ decision: 'APPROVED', reason: null });
    } finally {
      await freezeClock(t, '2025-03-04T10:00:00+08:00');
    }
  });

  it('falls back to today in Asia/Shanghai when the simulation API is off (404), and hides the clock', async () => {
    await page.route('**/sim/clock', (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ statusCode: 404, code: 'NOT_FOUND', message: 'Not Found' }) }),
    );
    try {
      await page.click('#add-venue');
      await page.locator('#venue-dialog[open]').waitFor();
      const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
      expect(await page.locator('#venue-form [name=listedFrom]').inputValue()).toBe(today);
      expect(await page.isHidden('#service-clock')).toBe(true);
      await page.click('#venue-dialog [data-close]');
    } finally {
      await page.unroute('**/sim/clock');
    }
    await page.click('[data-tab=venues]');
    await page.locator('#service-clock:not([hidden])').waitFor();
  });

  it('shows field errors in Chinese, from the API constraint codes, beside their fields; in English after the switch', async () => {
    const form = page.locator('#venue-form');
    const nameError = form.locator('[data-error-for="name"]');
    const cityCodeError = form.locator('[data-error-for="cityCode"]');
    async function submitBadVenue() {
      await page.click('#add-venue');
      await page.locator('#venue-dialog[open]').waitFor();
      await form.locator('[name=code]').fill('CQ-MUS-BAD');
      await form.locator('[name=name]').evaluate((el) => el.removeAttribute('maxlength'));
      await form.locator('[name=name]').fill('长'.repeat(101));
      await form.locator('[name=region]').selectOption('CHONGQING');
      await form.locator('[name=cityCode]').fill('5001');
      await page.click('#venue-save');
      await cityCodeError.waitFor({ state: 'visible' });
    }
    try {
      await submitBadVenue();
      expect(await nameError.textContent()).toBe('名称应为 1–100 个字符。');
      expect(await cityCodeError.textContent()).toBe('城市代码应为 6 位数字。');
      expect(await form.locator('[name=cityCode]').getAttribute('aria-invalid')).toBe('true');
      expect(await page.textContent('#venue-form-error')).toBe('请修正标出的字段。');
      await page.locator('#venue-dialog').screenshot({ path: `${SCREENSHOTS}/form-errors-zh.png` });
      await page.click('#venue-dialog [data-close]');

      await page.click('[data-lang=en]');
      await submitBadVenue();
      expect(await nameError.textContent()).toBe('Name must be 1–100 characters.');
      expect(await cityCodeError.textContent()).toBe('City code must be 6 digits.');
      await page.locator('#venue-dialog').screenshot({ path: `${SCREENSHOTS}/form-errors-en.png` });
    } finally {
      if (await page.locator('#venue-dialog[open]').count()) await page.click('#venue-dialog [data-close]');
      await page.click('[data-lang=zh]');
    }
    await t.http.get('/venues/CQ-MUS-BAD').set(ADMIN).expect(404);
  });

  it('filters the list to Chongqing museums, with counts per type and region', async () => {
    await page.selectOption('#filter-region', 'CHONGQING');
    await page.selectOption('#filter-type', 'MUSEUM');
    await page.waitForFunction(`(() => {
      const rows = [...document.querySelectorAll('#venue-table tbody tr[data-code]')];
      return rows.length > 0 && rows.every((r) => r.dataset.region === 'CHONGQING' && r.dataset.type === 'MUSEUM');
    })()`);
    const expected = (await t.http.get('/venues?region=CHONGQING&type=MUSEUM').set(ADMIN).expect(200)).body.items.map((v: { code: string }) => v.code);
    expect(await visibleCodes()).toEqual(expected);
    expect(await rowOf('CQ-MUS-SX').locator('td.name').textContent()).toBe('重庆中国三峡博物馆');
    expect(await page.textContent('[data-count="MUSEUM|CHONGQING"] button')).toBe(String(expected.length));
    await page.screenshot({ path: `${SCREENSHOTS}/list.png`, fullPage: true });

    await page.fill('#filter-q', '三峡');
    await page.waitForFunction("document.querySelectorAll('#venue-table tbody tr[data-code]').length === 1");
    expect(await visibleCodes()).toEqual(['CQ-MUS-SX']);
  });

  it('adds a scenic spot with opening hours, showing the field error for a city code of the wrong region', async () => {
    await page.click('#add-venue');
    const form = page.locator('#venue-form');
    await form.locator('[name=code]').fill('CQ-SS-NSYL');
    await form.locator('[name=name]').fill('南山一棵树观景台');
    await form.locator('[name=type]').selectOption('SCENIC_SPOT');
    expect(await form.locator('[data-type-field=entryFeeFen]').isVisible()).toBe(true);
    expect(await form.locator('[data-type-field=network]').isHidden()).toBe(true);
    expect(await form.locator('[data-type-field=fareFen]').isHidden()).toBe(true);
    await form.locator('[name=region]').selectOption('CHONGQING');
    await form.locator('[name=cityCode]').fill('510100');
    await form.locator('[name=listedFrom]').fill('2025-01-01');
    await form.locator('[name=dailyCapacity]').fill('3000');
    await form.locator('[name=entryFeeFen]').fill('3000');
    await form.locator('#hours-always').uncheck();
    for (const day of [2, 3, 4, 5, 6, 7]) await form.locator(`#hours-grid tr[data-day="${day}"] .day-open`).check();
    for (const day of [6, 7]) await form.locator(`#hours-grid tr[data-day="${day}"] .day-to`).fill('22:00');
    await page.click('#venue-save');

    const cityCodeError = form.locator('[data-error-for="cityCode"]');
    await cityCodeError.waitFor({ state: 'visible' });
    // The rule across fields, in Chinese: the region's prefix, named with the field's label.
    expect(await cityCodeError.textContent()).toBe('重庆的场馆，城市代码须以 50 开头。');
    expect(await form.locator('[name=cityCode]').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#venue-dialog').screenshot({ path: `${SCREENSHOTS}/form.png` });
    await t.http.get('/venues/CQ-SS-NSYL').set(ADMIN).expect(404);

    await form.locator('[name=cityCode]').fill('500108');
    await page.click('#venue-save');
    await page.locator('#venue-dialog').waitFor({ state: 'hidden' });
    expect(await venue('CQ-SS-NSYL')).toMatchObject({
      name: '南山一棵树观景台',
      type: 'SCENIC_SPOT',
      region: 'CHONGQING',
      cityCode: '500108',
      status: 'ACTIVE',
      dailyCapacity: 3000,
      entryFeeFen: 3000,
      openingHours: [
        { days: [2, 3, 4, 5], open: '09:00', close: '17:00' },
        { days: [6, 7], open: '09:00', close: '22:00' },
      ],
    });
  });

  it('suspends a venue after a confirmation; a tap there is declined VENUE_SUSPENDED, seen live', async () => {
    await page.selectOption('#filter-type', '');
    await page.fill('#filter-q', '南山');
    await rowOf('CQ-SS-NSYL').waitFor();
    await rowOf('CQ-SS-NSYL').locator('[data-action=suspend]').click();
    await page.locator('#confirm-dialog').waitFor({ state: 'visible' });
    expect(await page.textContent('#confirm-message')).toContain('CQ-SS-NSYL');
    await page.click('#confirm-ok');
    await page.locator('#venue-table tr[data-code="CQ-SS-NSYL"][data-status="SUSPENDED"]').waitFor();
    expect((await venue('CQ-SS-NSYL')).status).toBe('SUSPENDED');

    await rowOf('CQ-SS-NSYL').locator('[data-action=watch]').click();
    await page.locator('#tab-live').waitFor({ state: 'visible' });
    const card = await newCard(t, { issuerCode: '500100', balanceFen: 10_000 });
    const declined = await tap(t, { cardNumber: card, venueCode: 'CQ-SS-NSYL', action: 'ENTRY', occurredAt: await nextMinute() });
    expect(declined).toMatchObject({ decision: 'DECLINED', reason: 'VENUE_SUSPENDED' });
    await page.locator(`#live-taps tr[data-tap-id="${declined.tapId}"][data-reason="VENUE_SUSPENDED"]`).waitFor();

    await page.click('[data-tab=venues]');
    await rowOf('CQ-SS-NSYL').locator('[data-action=reactivate]').click();
    await page.click('#confirm-ok');
    await page.locator('#venue-table tr[data-code="CQ-SS-NSYL"][data-status="ACTIVE"]').waitFor();
    const approved = await tap(t, { cardNumber: card, venueCode: 'CQ-SS-NSYL', action: 'ENTRY', occurredAt: await nextMinute() });
    expect(approved).toMatchObject({ decision: 'APPROVED', fareFen: 3000 });
    await page.click('[data-tab=live]');
    await page.locator(`#live-taps tbody tr:first-child[data-tap-id="${approved.tapId}"][data-decision="APPROVED"]`).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/live-taps.png` });

    await page.click('[data-tab=venues]');
    await rowOf('CQ-SS-NSYL').locator('[data-action=history]').click();
    await page.locator('#history-table tbody tr[data-action]').first().waitFor();
    expect(await attributeOfAll('#history-table tbody tr[data-action]', 'data-action')).toEqual([
      'STATUS_ACTIVE',
      'STATUS_SUSPENDED',
      'CREATE',
    ]);
    await page.click('#history-dialog [data-close]');
  });

  it('previews a CSV import with one bad row, refuses it naming the row, and commits a clean one', async () => {
    const { version } = (await t.http.get('/whitelist?since=1000000000').set(ADMIN).expect(200)).body;
    const header = 'code,name,type,region,cityCode,listedFrom,openingHours,dailyCapacity';
    const good = [
      'CQ-MUS-DZ,大足石刻博物馆,MUSEUM,CHONGQING,500111,2025-01-01,2-7 09:00-17:00,5000',
      'CQ-MUS-HY,红岩革命纪念馆（新馆）,MUSEUM,CHONGQING,500103,2025-01-01,2-7 09:00-17:00,',
    ];
    const bad = 'CQ-MUS-WZ,万州博物馆,MUSEUM,CHONGQING,510100,2025-01-01,,';
    await page.click('[data-tab=import]');
    await page.setInputFiles('#import-file', { name: '应用清单.csv', mimeType: 'text/csv', buffer: Buffer.from([header, good[0], bad, good[1]].join('\n')) });
    await page.click('#import-preview');
    await page.locator('#import-refused').waitFor();
    expect(await page.textContent('#import-refused')).toContain('1 行有错误');
    const rejected = page.locator('#import-errors tbody tr');
    expect(await rejected.count()).toBe(1);
    expect(await rejected.first().getAttribute('data-row')).toBe('2');
    expect(await rejected.first().getAttribute('data-field')).toBe('cityCode');
    expect(await page.isDisabled('#import-commit')).toBe(true);
    expect(await page.textContent('.codes-created summary')).toContain('1');
    await page.screenshot({ path: `${SCREENSHOTS}/import-preview.png`, fullPage: true });
    await t.http.get('/venues/CQ-MUS-DZ').set(ADMIN).expect(404);
    expect((await t.http.get('/whitelist?since=1000000000').set(ADMIN).expect(200)).body.version).toBe(version);

    await page.setInputFiles('#import-file', { name: 'fixed.csv', mimeType: 'text/csv', buffer: Buffer.from([header, ...good].join('\n')) });
    await page.click('#import-preview');
    await page.locator('#import-commit:enabled').waitFor();
    await page.click('#import-commit');
    await page.locator('#import-done').waitFor();
    expect((await venue('CQ-MUS-DZ')).name).toBe('大足石刻博物馆');
    expect((await venue('CQ-MUS-HY')).name).toBe('红岩革命纪念馆（新馆）');
    await page.locator(`#version-number:text("v${version + 1}")`).waitFor();
  });

  it('switches its labels to English', async () => {
    await page.click('[data-lang=en]');
    expect(await page.textContent('[data-tab=venues]')).toBe('Venues');
    expect(await page.textContent('#import-preview')).toBe('Preview (dry run)');
    await page.click('[data-lang=zh]');
    expect(await page.textContent('[data-tab=venues]')).toBe('场馆清单');
  });
});
