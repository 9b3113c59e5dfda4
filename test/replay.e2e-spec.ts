import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, readdirSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay } from '../tools/replay/replay';
import { ADMIN, freezeClock, startTestApp, tap, TestApp } from './support/test-app';

/** SPEC §6 replay: a recorded day re-driven from a snapshot, under the same or other fare rules. */
describe('replay and what-if', () => {
  const directory = mkdtempSync(join(tmpdir(), 'onecard-replay-'));
  const snapshotFile = join(directory, 'before.snapshot.json.gz');
  const tapsFile = join(directory, 'day.ndjson');
  const simulatorEnv: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {};
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await freezeClock(t, '2025-03-04T22:00:00+08:00');
    await t.http.post('/sim/snapshots').set(ADMIN).send({ name: 'before' }).expect(201);
    const day = (time: string) => `2025-03-04T${time}:00+08:00`;
    await tap(t, { cardNumber: 'T00000002', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: day('08:00') });
    await tap(t, { cardNumber: 'T00000002', venueCode: 'CD-M1-HXB', action: 'EXIT', occurredAt: day('08:12') });
    await tap(t, { cardNumber: 'T00000001', venueCode: 'CD-M1-WJN', action: 'ENTRY', occurredAt: day('09:00') });
    await tap(t, { cardNumber: 'T00000001', venueCode: 'CD-M1-SXH', action: 'EXIT', occurredAt: day('09:10') });
    await tap(t, { cardNumber: 'T00000002', venueCode: 'CD-BUS-1', action: 'RIDE', occurredAt: day('10:00') });
    await tap(t, { cardNumber: 'T00000003', venueCode: 'CD-MUS-SC', action: 'ENTRY', occurredAt: day('11:00') });
    await tap(t, { cardNumber: 'T00000001', venueCode: 'CD-LIB-SC', action: 'BORROW', itemId: 'ISBN-7', occurredAt: day('12:00') });
    await tap(t, { cardNumber: 'T00000002', venueCode: 'CQ-R1-CTM', action: 'ENTRY', occurredAt: day('18:00') });
    await tap(t, { cardNumber: 'T00000002', venueCode: 'CQ-R1-DP', action: 'EXIT', occurredAt: day('18:20') });
    const file = await t.http.get('/sim/snapshots/before/file').set(ADMIN).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    writeFileSync(snapshotFile, file.body as Buffer);
    writeFileSync(tapsFile, (await t.http.get('/taps/export').set(ADMIN).expect(200)).text);
  });
  afterAll(async () => {
    await t.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('reports no difference under the rules the day was recorded with', async () => {
    const out = join(directory, 'same');
    const report = await replay({ snapshotFile, tapsFile, outDir: out, simulatorEnv });
    expect(report.taps).toBe(9);
    expect(report.differences).toEqual([]);
    expect(report.days).toHaveLength(1);
    const [day] = report.days;
    expect(day).toMatchObject({ date: '2025-03-04', taps: 9, revenueBeforeFen: 180 + 180 + 180 + 270, revenueAfterFen: 180 + 180 + 180 + 270 });
    expect(day.settlementAfter).toEqual(day.settlementBefore);
    expect(day.settlementBefore).toEqual([
      { issuerRegion: 'CHONGQING', acquirerRegion: 'CHONGQING', count: 1, amountFen: 270 },
      { issuerRegion: 'CHONGQING', acquirerRegion: 'SICHUAN', count: 2, amountFen: 360 },
      { issuerRegion: 'SICHUAN', acquirerRegion: 'SICHUAN', count: 1, amountFen: 180 },
    ]);
    expect(JSON.parse(readFileSync(join(out, 'replay.json'), 'utf8'))).toEqual(report);
    const html = readFileSync(join(out, 'replay.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toContain('<script');
  });

  it('reports the taps a fare change touches, and the revenue and clearing it moves', async () => {
    // What if Chengdu Metro's first band (up to 4 km) cost 250 fen instead of 200?
    const rules = join(directory, 'rules');
    mkdirSync(rules);
    for (const name of readdirSync('src/fares/rules')) copyFileSync(join('src/fares/rules', name), join(rules, name));
    const sichuan = JSON.parse(readFileSync(join(rules, 'sichuan.json'), 'utf8'));
    sichuan.ruleSets[0].networks[0].bands[0].fareFen = 250;
    writeFileSync(join(rules, 'sichuan.json'), JSON.stringify(sichuan));

    const report = await replay({ snapshotFile, tapsFile, fareRulesDir: rules, simulatorEnv });
    expect(report.differences.map((d) => [d.cardNumber, d.venueCode, d.before.fareFen, d.after.fareFen])).toEqual([
      ['T00000002', 'CD-M1-HXB', 180, 225],
      ['T00000001', 'CD-M1-SXH', 180, 225],
    ]);
    const [day] = report.days;
    expect(day.revenueAfterFen - day.revenueBeforeFen).toBe(90);
    expect(day.settlementAfter).toEqual([
      { issuerRegion: 'CHONGQING', acquirerRegion: 'CHONGQING', count: 1, amountFen: 270 },
      { issuerRegion: 'CHONGQING', acquirerRegion: 'SICHUAN', count: 2, amountFen: 405 },
      { issuerRegion: 'SICHUAN', acquirerRegion: 'SICHUAN', count: 1, amountFen: 225 },
    ]);
  });
});
