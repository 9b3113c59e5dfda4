import createClient from 'openapi-fetch';
import type { AddressInfo } from 'node:net';
import type { components, paths } from '../generated/onecard-api';
import { newSsn, startTestApp, TestApp } from './support/test-app';

/**
 * A client generated from the OpenAPI document (openapi-typescript types, `npm run openapi`, and
 * openapi-fetch), used as a terminal team would use theirs: if the document lies about a shape,
 * the type check of this file fails; the contract check (test/support/openapi-contract.ts)
 * validates each of its exchanges against the document at run time.
 */
type TapResult = components['schemas']['TapResultView'];

describe('a client generated from GET /docs-json', () => {
  let t: TestApp;
  let api: ReturnType<typeof createClient<paths>>;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    api = createClient<paths>({ baseUrl: `http://127.0.0.1:${port}`, headers: { Authorization: 'Bearer dev-admin-key' } });
    const clock = await api.PUT('/sim/clock', { body: { now: '2025-03-04T08:30:00+08:00' } });
    expect(clock.data?.frozen).toBe(true);
  });
  afterAll(() => t.close());

  async function issueCard(ssn: string) {
    return api.POST('/cards', { body: { ssn, name: '李四', issuerCode: '500100', validFrom: '2025-01-01' } });
  }

  it('issues a card, tops it up and rides Chengdu Metro: ENTRY opens a journey, EXIT charges the fare', async () => {
    const issued = await issueCard(newSsn('500103'));
    expect(issued.response.status).toBe(201);
    const cardNumber = issued.data!.cardNumber;
    expect(issued.data).toMatchObject({ region: 'CHONGQING', status: 'ACTIVE', balanceFen: 0 });

    const topUp = await api.POST('/cards/{cardNumber}/top-ups', { params: { path: { cardNumber } }, body: { amountFen: 5000, reference: `CLIENT-${cardNumber}` } });
    expect(topUp.data?.balanceFen).toBe(5000);
    const again = await api.POST('/cards/{cardNumber}/top-ups', { params: { path: { cardNumber } }, body: { amountFen: 5000, reference: `CLIENT-${cardNumber}` } });
    expect(again.data?.balanceFen).toBe(5000);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');

    const entry = await api.POST('/taps', {
      body: { tapId: `CLIENT-E-${cardNumber}`, cardNumber, action: 'ENTRY', occurredAt: '2025-03-04T08:15:00+08:00', venueCode: 'CD-M1-TFGC' },
    });
    const entered: TapResult = entry.data!;
    expect(entered).toMatchObject({ decision: 'APPROVED', reason: null, crossRegion: true, fareFen: 0 });
    expect(entered.journey?.status).toBe('OPEN');

    const exit = await api.POST('/taps', {
      body: { tapId: `CLIENT-X-${cardNumber}`, cardNumber, action: 'EXIT', occurredAt: '2025-03-04T08:27:00+08:00', venueCode: 'CD-M1-HXB' },
    });
    expect(exit.data).toMatchObject({ decision: 'APPROVED', fareFen: 180, balanceFen: 4820 });
    expect(exit.data?.journey?.status).toBe('COMPLETE');
  });

  it('posts an offline batch: each item decided on its own, a bad item answered INVALID in its place', async () => {
    const batch = await api.POST('/taps/batch', {
      body: {
        taps: [
          { tapId: 'CLIENT-B-1', cardNumber: 'T00000003', action: 'ENTRY', occurredAt: '2025-03-04T08:20:00+08:00', venueCode: 'CD-MUS-SC' },
          { tapId: 'CLIENT-B-2', cardNumber: 'not a card', action: 'ENTRY', occurredAt: '2025-03-04T08:21:00+08:00', venueCode: 'CD-MUS-SC' },
        ],
      },
    });
    expect(batch.response.status).toBe(200);
    const [declined, invalid] = batch.data!.results;
    expect(declined).toMatchObject({ index: 0, tapId: 'CLIENT-B-1', status: 'PROCESSED', decision: 'DECLINED', reason: 'CARD_LOST' });
    expect(invalid).toMatchObject({ index: 1, status: 'INVALID' });
    expect(invalid.errors?.map((e) => [e.field, e.constraint])).toEqual([['cardNumber', 'pattern']]);
  });

  it('reads an error as the one ErrorView, its code narrowed by the operation', async () => {
    const ssn = newSsn('500103');
    expect((await issueCard(ssn)).response.status).toBe(201);
    const duplicate = await issueCard(ssn);
    expect(duplicate.response.status).toBe(409);
    const code: 'DUPLICATE_CARD' | undefined = duplicate.error?.code === 'DUPLICATE_CARD' ? duplicate.error.code : undefined;
    expect(code).toBe('DUPLICATE_CARD');

    const missing = await api.GET('/cards/{cardNumber}', { params: { path: { cardNumber: 'Z00000000' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });
});
