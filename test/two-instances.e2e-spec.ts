import { makeSsn } from '../src/cards/ssn';
import { MIGRATIONS } from '../src/database/data-source-options';
import { CHARGE_KINDS } from '../src/ledger/ledger-entry.entity';
import { MAGIC_CARDS } from '../src/seed/magic-cards';
import venuesSeed from '../src/seed/venues.seed.json';
import { openDatabase, Sql } from './bench/bulk';
import { freePort, Server, tail } from './bench/servers';
import { Answer, buildServiceIfStale, call, ChildDatabase, newPostgresDatabase, startService } from './support/child-service';

/**
 * Two instances of the built service on one PostgreSQL (SPEC §7, issue 12), started at the same
 * moment on a database nobody has migrated, then driven together on the same cards: taps from
 * both mixed with top-ups, loss reports, replacements and venue suspensions. SQLite has one
 * process per file, so this runs only when DATABASE_URL is PostgreSQL.
 */
const databaseUrl = process.env.DATABASE_URL;
const describeOnPostgres = databaseUrl ? describe : describe.skip;
if (!databaseUrl) console.log('two-instances.e2e-spec: skipped, it needs DATABASE_URL=postgres://… (two processes on one PostgreSQL)');

jest.setTimeout(120_000);

const NOW_MS = Date.parse('2025-06-03T10:00:00+08:00');
const at = (seconds: number) => new Date(NOW_MS + seconds * 1000 + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
const BUSES = ['CD-BUS-1', 'CD-BUS-16', 'CD-BUS-34', 'CD-BUS-55', 'CD-BUS-98'];
const SUSPENDED_LINE = 'CD-BUS-98';
const CARDS = 12;
const ROUNDS = 8;
const OPENING_BALANCE_FEN = 1000;

interface SentTap {
  tapId: string;
  cardNumber: string;
  venueCode: string;
  sentAt: number;
  answers: Answer[];
}

describeOnPostgres('two instances on one PostgreSQL, started together on an empty database', () => {
  let database: ChildDatabase;
  let servers: Server[] = [];
  let sql: Sql;

  beforeAll(async () => {
    buildServiceIfStale();
    database = await newPostgresDatabase(databaseUrl as string);
  });
  afterAll(async () => {
    await sql?.close();
    for (const server of servers) await server.signal('SIGKILL');
    await database?.drop();
  });

  it('both come up, migrate and seed once, and keep every promise under mixed traffic on the same cards', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    try {
      servers = await Promise.all([startService(database, 'a', portA), startService(database, 'b', portB)]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nA: ${tail(`${database.dir}/a.log`)}\nB: ${tail(`${database.dir}/b.log`)}`);
    }
    const [A, B] = servers.map((s) => s.url);
    sql = await openDatabase(database.database);
    const count = async (query: string, params: unknown[] = []) => Number((await sql.all(query, params))[0].n);
    expect(await count('SELECT COUNT(*) AS n FROM migrations')).toBe(MIGRATIONS.length);
    expect(await count('SELECT COUNT(*) AS n FROM venue')).toBe((venuesSeed as unknown[]).length);
    expect(await count('SELECT COUNT(*) AS n FROM card')).toBe(MAGIC_CARDS.length);
    for (const url of [A, B]) expect((await call(url, 'GET', '/health')).status).toBe(200);

    expect((await call(A, 'PUT', '/sim/clock', { now: at(0) })).status).toBe(200);
    const issued = await call(
      B,
      'POST',
      '/cards/import',
      Array.from({ length: CARDS + 2 }, (_, i) => ({ ssn: makeSsn('510104', '1985-02-03', i), name: `双实例${i}`, issuerCode: '510100', validFrom: '2025-01-01', topUpFen: OPENING_BALANCE_FEN })),
    );
    expect(issued.status).toBe(201);
    const cards = (issued.body.cards as { cardNumber: string }[]).map((c) => c.cardNumber);
    const [patchedCard, toppedCard] = cards.slice(CARDS);
    const lostCards = cards.slice(0, 3);
    const replacedCards = cards.slice(3, 5);

    // Rounds of 30 s of tap time; each round every card taps on A and on B at once (odd rounds with
    // one tapId sent to both), top-ups come in round 4, loss reports, replacements and the
    // suspension of one line in round 3, each on the other instance than some of the taps.
    const taps: SentTap[] = [];
    const acknowledgedAt = new Map<string, number>();
    let suspendedAt = Infinity;
    const sendTap = async (urls: string[], tap: Omit<SentTap, 'sentAt' | 'answers'>, occurredAt: string) => {
      const sent: SentTap = { ...tap, sentAt: Date.now(), answers: [] };
      taps.push(sent);
      const body = { tapId: tap.tapId, cardNumber: tap.cardNumber, venueCode: tap.venueCode, action: 'RIDE', occurredAt };
      sent.answers = await Promise.all(urls.map((url) => call(url, 'POST', '/taps', body)));
    };
    const topUps: Answer[] = [];
    await Promise.all(
      cards.slice(0, CARDS).map(async (card, c) => {
        for (let round = 0; round < ROUNDS; round++) {
          const occurredAt = at(1 + round * 30 + (c % 10));
          const work: Promise<unknown>[] = [
            sendTap([A], { tapId: `TWIN-${c}-${round}-A`, cardNumber: card, venueCode: BUSES[(2 * round) % 5] }, occurredAt),
            sendTap(round % 2 ? [A, B] : [B], { tapId: `TWIN-${c}-${round}-${round % 2 ? 'AB' : 'B'}`, cardNumber: card, venueCode: BUSES[(2 * round + 1) % 5] }, occurredAt),
          ];
          if (round === 3 && lostCards.includes(card)) {
            work.push(call(A, 'PATCH', `/cards/${card}`, { status: 'TEMP_LOST' }).then((a) => (expect(a.status).toBe(200), acknowledgedAt.set(card, Date.now()))));
          }
          if (round === 3 && replacedCards.includes(card)) {
            work.push(call(B, 'POST', `/cards/${card}/replacement`).then((a) => (expect(a.status).toBe(201), acknowledgedAt.set(card, Date.now()))));
          }
          if (round === 3 && c === CARDS - 1) {
            work.push(call(B, 'PATCH', `/venues/${SUSPENDED_LINE}`, { status: 'SUSPENDED' }).then((a) => (expect(a.status).toBe(200), (suspendedAt = Date.now()))));
          }
          if (round === 4 && !lostCards.includes(card) && !replacedCards.includes(card)) {
            const reference = `TWIN-TOPUP-${c}`;
            // The same reference on both instances at once credits once; another one on B credits too.
            work.push(
              ...[A, B].map((url) => call(url, 'POST', `/cards/${card}/top-ups`, { amountFen: 500, reference }).then((a) => topUps.push(a))),
              call(B, 'POST', `/cards/${card}/top-ups`, { amountFen: 300, reference: `${reference}-B` }).then((a) => topUps.push(a)),
            );
          }
          await Promise.all(work);
        }
      }),
    );

    // Two edits of one card at once on the two instances: neither is lost. Ten top-ups, five on each.
    const [concession, transport] = await Promise.all([
      call(A, 'PATCH', `/cards/${patchedCard}`, { concession: 'STUDENT' }),
      call(B, 'PATCH', `/cards/${patchedCard}`, { transportEnabled: false }),
    ]);
    expect([concession.status, transport.status]).toEqual([200, 200]);
    expect((await call(A, 'GET', `/cards/${patchedCard}`)).body).toMatchObject({ concession: 'STUDENT', transportEnabled: false });
    await Promise.all(Array.from({ length: 10 }, (_, i) => call(i % 2 ? A : B, 'POST', `/cards/${toppedCard}/top-ups`, { amountFen: 100, reference: `TWIN-MANY-${i}` })));
    expect((await call(B, 'GET', `/cards/${toppedCard}`)).body.balanceFen).toBe(OPENING_BALANCE_FEN + 1000);

    // A suspension answered by one instance declines at once on the other, and a reactivation too.
    for (let i = 0; i < 3; i++) {
      // A rider of its own each time: the same card entering again within 60 s would be PASSBACK.
      const rider = cards[CARDS - 1 - i];
      const [first, second] = i % 2 ? [B, A] : [A, B];
      expect((await call(first, 'PATCH', '/venues/CD-LIB-SC', { status: 'SUSPENDED' })).status).toBe(200);
      const declined = await call(second, 'POST', '/taps', { tapId: `TWIN-SUSPENDED-${i}`, cardNumber: rider, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: at(280 + i) });
      expect(declined.body).toMatchObject({ decision: 'DECLINED', reason: 'VENUE_SUSPENDED' });
      expect((await call(second, 'PATCH', '/venues/CD-LIB-SC', { status: 'ACTIVE' })).status).toBe(200);
      const approved = await call(first, 'POST', '/taps', { tapId: `TWIN-ACTIVE-${i}`, cardNumber: rider, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: at(285 + i) });
      expect(approved.body).toMatchObject({ decision: 'APPROVED', reason: null });
    }

    // Every answer a 200 with a decision; one tapId sent to both got one answer, byte for byte, once replayed.
    const answers = taps.flatMap((t) => t.answers);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.text)).toEqual([]);
    expect(topUps.map((a) => a.status)).toEqual(topUps.map(() => 200));
    const shared = taps.filter((t) => t.answers.length === 2);
    expect(shared.filter((t) => t.answers[0].text !== t.answers[1].text || t.answers.filter((a) => a.replayed).length !== 1).map((t) => t.tapId)).toEqual([]);

    // No approval after a loss or a replacement was acknowledged (on either instance), nor after the suspension.
    const lateApprovals = taps.filter(
      (t) => t.answers[0].body.decision === 'APPROVED' && (t.sentAt > (acknowledgedAt.get(t.cardNumber) ?? Infinity) || (t.venueCode === SUSPENDED_LINE && t.sentAt > suspendedAt)),
    );
    expect(lateApprovals.map((t) => `${t.tapId} ${t.venueCode}`)).toEqual([]);

    // The books: one journal row and one charge per tapId, no negative balance, no lost update.
    const journal = await sql.all(`SELECT tap_id, COUNT(*) AS n FROM tap WHERE tap_id LIKE 'TWIN-%' GROUP BY tap_id`);
    expect(journal.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(journal.length).toBe(taps.length + 6);
    const charged = new Map((await sql.all(`SELECT tap_id, SUM(amount_fen) AS total FROM ledger_entry WHERE tap_id LIKE 'TWIN-%' GROUP BY tap_id`)).map((r) => [String(r.tap_id), -Number(r.total)]));
    expect(taps.filter((t) => (charged.get(t.tapId) ?? 0) !== t.answers[0].body.fareFen).map((t) => t.tapId)).toEqual([]);
    const kinds = CHARGE_KINDS.map((k) => `'${k}'`).join(', ');
    const books = {
      negative: await count('SELECT COUNT(*) AS n FROM card WHERE balance_fen < 0'),
      ledgerMismatches: await count(
        `SELECT COUNT(*) AS n FROM card c LEFT JOIN (SELECT card_number, SUM(amount_fen) AS total FROM ledger_entry GROUP BY card_number) l
           ON l.card_number = c.card_number WHERE c.balance_fen <> COALESCE(l.total, 0)`,
      ),
      chargedTwice: await count(`SELECT COUNT(*) AS n FROM (SELECT tap_id FROM ledger_entry WHERE tap_id IS NOT NULL GROUP BY tap_id, kind HAVING COUNT(*) > 1) d`),
      topUpsCreditedTwice: await count(`SELECT COUNT(*) AS n FROM ledger_entry WHERE reference LIKE 'topup:TWIN-TOPUP-%'`) - (CARDS - lostCards.length - replacedCards.length) * 2,
    };
    expect(books).toEqual({ negative: 0, ledgerMismatches: 0, chargedTwice: 0, topUpsCreditedTwice: 0 });
    const charges = -(await count(`SELECT COALESCE(SUM(amount_fen), 0) AS n FROM ledger_entry WHERE kind IN (${kinds})`));
    const settlement = await call(B, 'GET', '/settlements/2025-06-03');
    expect((settlement.body.lines as { amountFen: number }[]).reduce((sum, line) => sum + line.amountFen, 0)).toBe(charges);
    const decisions: Record<string, number> = {};
    for (const a of answers) decisions[a.body.reason ?? 'APPROVED'] = (decisions[a.body.reason ?? 'APPROVED'] ?? 0) + 1;
    console.log(`two instances: ${taps.length} taps (${shared.length} sent to both), decisions ${JSON.stringify(decisions)}, ${topUps.length} top-ups, charges ${charges} = settled`);
  });
});
