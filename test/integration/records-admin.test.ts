import { startTestSystem, type TestSystem } from '../support/test-system';
import { withDatabase } from '../support/databases';

/**
 * Issue 22, point 6, the API side: 作業履歴 sorted by the column a person clicks (number, 発生日時,
 * 対応状況, 重要度), the export's 影響範囲 / サービス停止 / 対応内容, and retiring a configuration item
 * (廃止) so it leaves the lists and pickers but stays on the record.
 */
describe('R-REC: 作業履歴 sorting and export fields, R-SCOPE-1: retired inventory items', () => {
  let system: TestSystem;
  let ga: string;
  let admin: string;
  let op1: string;
  let dept1: string;

  // Five incidents of 税務課 (dept1) in 2020, one per severity and status; their numbers are not in 発生日時 order.
  const CASES = [
    { n: 'INC-2020-90003', severity: 'minor', status: 'done', at: '2020-03-01T01:00:00Z', impact: { scope: '税務システムの帳票出力', serviceStopped: false } },
    { n: 'INC-2020-90001', severity: 'critical', status: 'in_progress', at: '2020-03-02T01:00:00Z', impact: { scope: '税務システム全体', serviceStopped: true } },
    { n: 'INC-2020-90005', severity: 'info', status: 'received', at: '2020-03-03T01:00:00Z', impact: {} },
    { n: 'INC-2020-90002', severity: 'major', status: 'verifying', at: '2020-03-04T01:00:00Z', impact: {} },
    { n: 'INC-2020-90004', severity: 'warning', status: 'on_hold', at: '2020-03-05T01:00:00Z', impact: {} },
  ];
  const numbers = async (token: string, sort: string) => {
    const r = await system.request('GET', `/api/cases?q=inc-2020-900&sort=${sort}`, { token });
    expect(r.status).toBe(200);
    return r.body.items.map((c: { number: string }) => c.number) as string[];
  };

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
    [ga, admin, op1, dept1] = await Promise.all(['ga1', 'admin', 'op1', 'dept1'].map((u) => system.login(u)));
    await withDatabase(system.config.databaseUrl, async (db) => {
      for (const c of CASES) {
        const { rows } = await db.query(
          `insert into case_record (id, number, kind, workflow_id, run_id, subject, occurred_at, status, severity, impact, department_ids,
                                    hostname, unregistered_device, alert_count, breached, created_at, updated_at)
           values (gen_random_uuid(), $1, 'incident', 'wf-' || $1, 'run-' || $1, '税務システム障害 ' || $1, $2, $3, $4, $5,
                   array[(select department_id from app_user where username = 'dept1')], 'vm-zeimu01', false, 1, false, now(), now())
           returning id`,
          [c.n, c.at, c.status, c.severity, JSON.stringify(c.impact)],
        );
        // The record of what was done: a status change a department sees, and an internal e-mail it does not.
        await db.query(
          `insert into case_timeline (id, case_id, key, at, kind, actor, actor_username, message_ja, message_en, data) values
             (gen_random_uuid(), $1, $2 || '-1', $3::timestamptz + interval '10 minutes', 'status', null, null, '対応中になりました', 'In progress', null),
             (gen_random_uuid(), $1, $2 || '-2', $3::timestamptz + interval '20 minutes', 'email', '運用 一郎', 'op1', 'メーカーへ連絡しました', 'Mailed the maker', null)`,
          [rows[0].id, c.n, c.at],
        );
      }
    });
  });
  afterAll(async () => {
    await system?.close();
  });

  test('R-REC-3: 作業履歴 sorts by 発生日時 (newest first by default, oldest first on request)', async () => {
    expect(await numbers(ga, '-occurredAt')).toEqual(['INC-2020-90004', 'INC-2020-90002', 'INC-2020-90005', 'INC-2020-90001', 'INC-2020-90003']);
    expect((await system.request('GET', '/api/cases?q=inc-2020-900', { token: ga })).body.items[0].number).toBe('INC-2020-90004');
    expect(await numbers(ga, 'occurredAt')).toEqual(['INC-2020-90003', 'INC-2020-90001', 'INC-2020-90005', 'INC-2020-90002', 'INC-2020-90004']);
  });

  test('R-REC-1: 作業履歴 sorts by case number both ways', async () => {
    expect(await numbers(ga, 'number')).toEqual(['INC-2020-90001', 'INC-2020-90002', 'INC-2020-90003', 'INC-2020-90004', 'INC-2020-90005']);
    expect(await numbers(ga, '-number')).toEqual(['INC-2020-90005', 'INC-2020-90004', 'INC-2020-90003', 'INC-2020-90002', 'INC-2020-90001']);
  });

  test('R-REC-4: 作業履歴 sorts by 対応状況 in the order of the work (受付済 → 完了), not alphabetically', async () => {
    expect(await numbers(ga, 'status')).toEqual(['INC-2020-90005', 'INC-2020-90001', 'INC-2020-90004', 'INC-2020-90002', 'INC-2020-90003']);
    expect(await numbers(dept1, '-status')).toEqual(['INC-2020-90003', 'INC-2020-90002', 'INC-2020-90004', 'INC-2020-90001', 'INC-2020-90005']);
  });

  test('R-REC-5: 作業履歴 sorts by 重要度: 緊急 first when descending, requests without a severity last', async () => {
    expect(await numbers(ga, '-severity')).toEqual(['INC-2020-90001', 'INC-2020-90002', 'INC-2020-90003', 'INC-2020-90004', 'INC-2020-90005']);
    expect(await numbers(ga, 'severity')).toEqual(['INC-2020-90005', 'INC-2020-90004', 'INC-2020-90003', 'INC-2020-90002', 'INC-2020-90001']);
  });

  test('an unknown sort column is a 400 naming the field, never a 500', async () => {
    for (const sort of ['subject', 'occurred_at;drop table case_record', '--number', '']) {
      const r = await system.request('GET', `/api/cases?sort=${encodeURIComponent(sort)}`, { token: ga });
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain('sort');
    }
    const bad = await system.request('GET', '/api/cases?withActions=yes', { token: ga });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('withActions');
  });

  test('R-REC-5/R-REC-6: the list carries 影響範囲 and サービス停止, and for exports the 対応内容 count and latest entry (a department counts only what it may read)', async () => {
    const plain = await system.request('GET', '/api/cases?q=inc-2020-90001', { token: ga });
    expect(plain.body.items[0].impact).toEqual({ scope: '税務システム全体', serviceStopped: true });
    expect(plain.body.items[0].actionCount).toBeUndefined();
    const full = await system.request('GET', '/api/cases?q=inc-2020-900&withActions=true&sort=number', { token: ga });
    expect(full.body.items[0]).toMatchObject({ number: 'INC-2020-90001', actionCount: 2, lastAction: { at: '2020-03-02T01:20:00.000Z', messageJa: 'メーカーへ連絡しました' } });
    expect(full.body.items[4].impact).toEqual({ scope: null, serviceStopped: null });
    const dept = await system.request('GET', '/api/cases?q=inc-2020-90001&withActions=true', { token: dept1 });
    expect(dept.body.items[0]).toMatchObject({ actionCount: 1, lastAction: { messageJa: '対応中になりました' } });
  });

  test('R-SCOPE-1: a retired item (廃止) leaves the lists and the incident picker but stays readable, and can come back', async () => {
    const created = await system.request('POST', '/api/assets', { token: op1, body: { hostname: 'vm-old01', kind: 'vm', subPlatform: 'virtualization', businessSystems: ['旧税務システム'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ retired: false, retiredAt: null });
    const retired = await system.request('PATCH', `/api/assets/${created.body.id}`, { token: admin, body: { retired: true } });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ hostname: 'vm-old01', retired: true, retiredAt: expect.any(String) });
    // Retiring again keeps the first date.
    const again = await system.request('PATCH', `/api/assets/${created.body.id}`, { token: admin, body: { retired: true, notes: '2026年度で廃止' } });
    expect(again.body.retiredAt).toBe(retired.body.retiredAt);

    const listed = async (query: string) => (await system.request('GET', `/api/assets?limit=200${query}`, { token: ga })).body.items.map((a: { hostname: string }) => a.hostname) as string[];
    expect(await listed('')).not.toContain('vm-old01');
    expect(await listed('&q=old')).not.toContain('vm-old01');
    expect(await listed('&includeRetired=true')).toContain('vm-old01');
    expect(await listed('&includeRetired=false')).not.toContain('vm-old01');
    expect((await system.request('GET', `/api/assets/${created.body.id}`, { token: dept1 })).body).toMatchObject({ hostname: 'vm-old01', retired: true, notes: '2026年度で廃止' });

    const bad = await system.request('PATCH', `/api/assets/${created.body.id}`, { token: admin, body: { retired: 'yes' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('retired');
    expect((await system.request('GET', '/api/assets?includeRetired=maybe', { token: ga })).status).toBe(400);
    expect((await system.request('PATCH', `/api/assets/${created.body.id}`, { token: ga, body: { retired: true } })).status).toBe(403);

    const back = await system.request('PATCH', `/api/assets/${created.body.id}`, { token: op1, body: { retired: false } });
    expect(back.body).toMatchObject({ retired: false, retiredAt: null });
    expect(await listed('')).toContain('vm-old01');
  });
});
