import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';

describe('audit trail', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp();
    for (let i = 0; i < 4; i++) await createKey(t, ['auditor']);
  });
  afterAll(() => t.close());

  const verify = async () => {
    const response = await t.http.get('/v1/audit-events/verify').set(...bearer(t.adminKey));
    expect(response.status).toBe(200);
    return response.body as { valid: boolean; checked: number; firstBrokenSeq: number | null };
  };

  /** Runs SQL with the append-only trigger switched off, as someone with table-owner rights could. */
  const behindTheServicesBack = async (sql: string, params: unknown[] = []) => {
    await t.dataSource.transaction(async (m) => {
      await m.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only');
      await m.query(sql, params);
      await m.query('ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only');
    });
  };

  const lastSeqs = async (n: number): Promise<number[]> =>
    (await t.dataSource.query('SELECT seq FROM audit_event ORDER BY seq DESC LIMIT $1', [n])).map((r: { seq: string }) => Number(r.seq)).reverse();

  it('verifies an untouched chain', async () => {
    const result = await verify();
    expect(result).toMatchObject({ valid: true, firstBrokenSeq: null });
    expect(result.checked).toBeGreaterThanOrEqual(4);
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE on the trail', async () => {
    await expect(t.dataSource.query(`UPDATE audit_event SET actor = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('DELETE FROM audit_event')).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('TRUNCATE audit_event')).rejects.toThrow(/append-only/);
  });

  it('reports a row edited behind the service’s back, and recovers when it is put back', async () => {
    const [seq] = await lastSeqs(2);
    const [original] = await t.dataSource.query('SELECT details FROM audit_event WHERE seq = $1', [seq]);
    await behindTheServicesBack(`UPDATE audit_event SET details = '{"roles":["admin"]}' WHERE seq = $1`, [seq]);
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSeq: seq });
    await behindTheServicesBack('UPDATE audit_event SET details = $2 WHERE seq = $1', [seq, JSON.stringify(original.details)]);
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('reports a deleted row, and recovers when it is put back', async () => {
    const [seq] = await lastSeqs(3);
    const [row] = await t.dataSource.query('SELECT * FROM audit_event WHERE seq = $1', [seq]);
    await behindTheServicesBack('DELETE FROM audit_event WHERE seq = $1', [seq]);
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSeq: seq });
    await t.dataSource.query(
      'INSERT INTO audit_event (seq, at, actor, action, target_type, target_id, details, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
      [row.seq, row.at, row.actor, row.action, row.target_type, row.target_id, JSON.stringify(row.details), row.prev_hash, row.hash],
    );
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('reports two rows swapped', async () => {
    const [a, b] = await lastSeqs(2);
    await behindTheServicesBack('UPDATE audit_event SET seq = -1 WHERE seq = $1', [a]);
    await behindTheServicesBack('UPDATE audit_event SET seq = $1 WHERE seq = $2', [a, b]);
    await behindTheServicesBack('UPDATE audit_event SET seq = $1 WHERE seq = -1', [b]);
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSeq: a });
    await behindTheServicesBack('UPDATE audit_event SET seq = -1 WHERE seq = $1', [a]);
    await behindTheServicesBack('UPDATE audit_event SET seq = $1 WHERE seq = $2', [a, b]);
    await behindTheServicesBack('UPDATE audit_event SET seq = $1 WHERE seq = -1', [b]);
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('concurrent writers never fork the chain', async () => {
    const before = (await lastSeqs(1))[0]!;
    await Promise.all(Array.from({ length: 25 }, () => createKey(t, ['iam'])));
    const seqs = await lastSeqs(25);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => before + 1 + i));
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('filters by action, actor, target and time, newest first, paged by cursor', async () => {
    const key = await createKey(t, ['counsel']);
    const byTarget = await t.http.get(`/v1/audit-events?targetType=api_key&targetId=${key.id}`).set(...bearer(t.adminKey));
    expect(byTarget.body.items).toHaveLength(1);
    const [bootstrap] = await t.dataSource.query('SELECT id FROM api_key WHERE prefix = $1', [t.adminKey.slice(0, 12)]);
    const byActor = await t.http.get(`/v1/audit-events?actor=${bootstrap.id}&action=api_key.created&limit=3`).set(...bearer(t.adminKey));
    expect(byActor.body.items).toHaveLength(3);
    const seqs = byActor.body.items.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const next = await t.http.get(`/v1/audit-events?actor=${bootstrap.id}&action=api_key.created&limit=3&cursor=${byActor.body.nextCursor}`).set(...bearer(t.adminKey));
    expect(Math.max(...next.body.items.map((e: { seq: number }) => e.seq))).toBeLessThan(Math.min(...seqs));
    const future = await t.http.get('/v1/audit-events?from=2999-01-01T00:00:00Z').set(...bearer(t.adminKey));
    expect(future.body).toEqual({ items: [], nextCursor: null });
  });

  it('rejects bad filters with 400 naming the field', async () => {
    const response = await t.http.get('/v1/audit-events?from=yesterday&limit=5000&order=sideways').set(...bearer(t.adminKey));
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['from', 'limit', 'order']);
    const cursor = await t.http.get('/v1/audit-events?cursor=bm9wZQ').set(...bearer(t.adminKey));
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors).toEqual([{ path: 'cursor', message: 'cursor is not valid for this list' }]);
  });
});
