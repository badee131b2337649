import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';

describe('deadline preview', () => {
  let t: TestApp;
  let counsel: string;

  beforeAll(async () => {
    t = await bootApp();
    counsel = (await createKey(t, ['counsel'])).key;
  });
  afterAll(() => t.close());

  const preview = (query: string) => t.http.get(`/v1/deadlines/preview?${query}`).set(...bearer(counsel));

  it('computes a UK deadline with its extension, in London time, and says which rules applied', async () => {
    const response = await preview('jurisdiction=UK&receivedAt=2025-11-25&extended=true');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      jurisdiction: 'UK',
      timeZone: 'Europe/London',
      receivedOn: '2025-11-25',
      dueOn: '2025-12-29',
      dueAt: '2025-12-29T23:59:59.999Z',
      extendedDueOn: '2026-02-25',
      extensionNoticeBy: '2025-12-29',
      effectiveDueOn: '2026-02-25',
    });
    expect(response.body.rules.join(' ')).toMatch(/Art 3\(4\)/);
  });

  it('shows the EU pause against the UK restart on the same facts', async () => {
    const eu = await preview('jurisdiction=EU&receivedAt=2025-03-03&identityRequestedAt=2025-03-10&identityReceivedAt=2025-03-14');
    const uk = await preview('jurisdiction=UK&receivedAt=2025-03-03&identityReceivedAt=2025-03-14');
    expect([eu.body.dueOn, eu.body.pausedDays]).toEqual(['2025-04-08', 5]);
    expect([uk.body.dueOn, uk.body.clockStartedOn]).toEqual(['2025-04-14', '2025-03-14']);
  });

  it('gives the CCPA acknowledgement date', async () => {
    const response = await preview('jurisdiction=US-CA&receivedAt=2025-11-20');
    expect(response.body).toMatchObject({ acknowledgeBy: '2025-12-05', dueOn: '2026-01-04', timeZone: 'America/Los_Angeles' });
  });

  it.each([
    ['jurisdiction=MARS&receivedAt=2025-01-01', 'jurisdiction'],
    ['jurisdiction=UK&receivedAt=2025-02-30', 'receivedAt'],
    ['jurisdiction=UK&receivedAt=yesterday', 'receivedAt'],
    ['jurisdiction=UK&receivedAt=2025-02-01&pauseFrom=2025-02-03', 'pauseTo'],
    ['jurisdiction=UK&receivedAt=2025-02-01&pauseFrom=2025-02-05&pauseTo=2025-02-03', 'pauseTo'],
    ['jurisdiction=EU&receivedAt=2025-02-01&identityReceivedAt=2025-02-05', 'identityRequestedAt'],
  ])('%s → 400 naming %s', async (query, path) => {
    const response = await preview(query);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('is for counsel', async () => {
    const iam = await createKey(t, ['iam']);
    expect((await t.http.get('/v1/deadlines/preview?jurisdiction=UK&receivedAt=2025-01-01').set(...bearer(iam.key))).status).toBe(403);
  });
});
