import { startTestSystem, type TestSystem } from '../support/test-system';
import { withDatabase } from '../support/databases';

/**
 * 作業履歴 with years of cases: newest first by 発生日時, an exact total up to 1,000 matches and
 * "more than 1,000" past it (so a page turn never counts every row), exact per-status figures
 * for the dashboard, and a department's view limited to its own cases.
 */
describe('R-REC: the case list with years of history', () => {
  let system: TestSystem;
  let ga: string;
  let dept1: string;
  let dept2: string;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
    [ga, dept1, dept2] = await Promise.all(['ga1', 'dept1', 'dept2'].map((u) => system.login(u)));
    await withDatabase(system.config.databaseUrl, async (db) => {
      // 1,200 closed incidents of 税務課 (dept1) in 2024 and 30 of 市民課 (dept2) in 2023, written straight into the table.
      await db.query(`
        insert into case_record (id, number, kind, workflow_id, run_id, subject, occurred_at, status, resolution, impact, department_ids,
                                 hostname, unregistered_device, alert_count, breached, created_at, updated_at)
        select gen_random_uuid(), 'INC-' || y || '-' || lpad(g::text, 5, '0'), 'incident', 'wf-' || y || '-' || g, 'run-' || y || '-' || g,
               s || ' #' || g, t, 'done', 'resolved', '{}'::jsonb, array[(select department_id::text from app_user where username = u)], h, false, 1, false,
               -- created_at runs against occurred_at: the list must follow 発生日時, not insertion order.
               now() - t::time::interval, now()
          from (select g, 2024 as y, timestamptz '2024-01-01 09:00+09' + g * interval '6 hours' as t, '税務システム停止' as s, 'vm-zeimu01' as h,
                       'dept1' as u from generate_series(1, 1200) g
                union all
                select g, 2023, timestamptz '2023-06-01 09:00+09' + g * interval '1 day', '住基サーバ障害', 'vm-shimin01',
                       'dept2' from generate_series(1, 30) g) cases`);
    });
  });
  afterAll(async () => {
    await system?.close();
  });

  const list = async (token: string, query: string) => {
    const response = await system.request('GET', `/api/cases?${query}`, { token });
    expect(response.status).toBe(200);
    return response.body as { items: Array<{ number: string; occurredAt: string; departmentIds: string[] }>; total: number; totalExact: boolean };
  };

  test('past 1,000 matches the total says "more than 1,000"; below it the total is exact', async () => {
    expect(await list(ga, 'limit=5')).toMatchObject({ total: 1000, totalExact: false });
    expect(await list(ga, 'q=住基&limit=5')).toMatchObject({ total: 30, totalExact: true });
    const march = await list(ga, `from=${encodeURIComponent('2024-03-01T00:00:00+09:00')}&to=${encodeURIComponent('2024-04-01T00:00:00+09:00')}&limit=200`);
    expect(march).toMatchObject({ total: 124, totalExact: true });
    expect(march.items).toHaveLength(124);
    // Paging past the cap still works: the last page of 1,230 cases is there.
    const last = await list(ga, 'limit=50&offset=1200');
    expect(last.items).toHaveLength(30);
    expect(last.totalExact).toBe(false);
  });

  test('newest first by 発生日時 (occurred at), whatever order the rows were written in', async () => {
    const page = await list(ga, 'limit=100');
    const times = page.items.map((c) => Date.parse(c.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page.items[0].number).toBe('INC-2024-01200');
  });

  test('the dashboard counts are exact per kind and status, and a department counts only its own cases', async () => {
    const all = await system.request('GET', '/api/cases/counts', { token: ga });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ incident: { done: 1230 }, work_request: {}, inquiry: {} });
    expect((await system.request('GET', '/api/cases/counts', { token: dept2 })).body).toEqual({ incident: { done: 30 }, work_request: {}, inquiry: {} });
    expect((await system.request('GET', '/api/cases/counts', { token: dept1 })).body).toEqual({ incident: { done: 1200 }, work_request: {}, inquiry: {} });
    const own = await list(dept2, 'limit=100');
    expect(own).toMatchObject({ total: 30, totalExact: true });
    expect(own.items.every((c) => c.number.startsWith('INC-2023-'))).toBe(true);
  });
});
