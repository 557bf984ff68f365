import { Client as PgClient } from 'pg';
import { AuditLogService } from '../../src/audit/audit-log.service';
import { FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * The audit log: who did what, when, from where, with which request — for every mutating request,
 * every task completion and refusal, every sign-in and configuration change; append-only in the
 * database, hash-chained so that an edited or deleted row is found, and named, by verification.
 */
describe('audit log: attributable, append-only, tamper-evident', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let pg: PgClient;

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
    pg = new PgClient({ connectionString: system.config.databaseUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await system?.close();
  });

  const entries = async (query: string, as = 'audit1') => {
    const response = await flow.as(as, 'GET', `/api/audit?${query}`);
    expect(response.status).toBe(200);
    return response.body.items as any[];
  };

  test('a configuration change is recorded with actor, role, time, action, target, request id, source address and the change', async () => {
    const before = Date.now();
    const response = await fetch(`${system.baseUrl}/api/calendar/closing-days`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await flow.token('admin')}`, 'x-request-id': 'req-closing-day-0001' },
      body: JSON.stringify({ date: '2026-08-14', nameJa: '庁舎設備点検', nameEn: 'Building inspection' }),
    });
    expect(response.status).toBe(201);
    const [entry] = await entries('action=calendar.closing_day.add');
    expect(entry).toMatchObject({
      actor: { username: 'admin', displayName: '管理者', roles: ['admin'] },
      action: 'calendar.closing_day.add', target: 'closing_day:2026-08-14', requestId: 'req-closing-day-0001', outcome: 'ok', status: 201,
      change: { request: { date: '2026-08-14', nameJa: '庁舎設備点検', nameEn: 'Building inspection' } },
    });
    expect(entry.sourceAddress).toMatch(/127\.0\.0\.1/);
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);

    // A refused attempt is recorded too, with the reason it got.
    const refused = await flow.as('ga1', 'PUT', '/api/calendar/settings', { openMinutes: 500 });
    expect(refused.status).toBe(403);
    const [denied] = await entries('action=calendar.settings.update&outcome=refused');
    expect(denied).toMatchObject({ actor: { username: 'ga1' }, status: 403, change: { request: { openMinutes: 500 }, error: { message: expect.stringContaining('admin') } } });
  });

  test('task completions and their refusals (403, 409, 422) are recorded', async () => {
    const reported = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'esx02', subject: '監査ログの確認', summary: 'audit', severity: 'minor' });
    expect(reported.status).toBe(201);
    const number = reported.body.caseNumber as string;
    const [created] = await entries(`action=incident.report&target=case:${number}`);
    expect(created).toMatchObject({ actor: { username: 'op1' }, status: 201 });

    const task = await flow.openTask(number, 'acknowledge', 'op1');
    expect((await flow.as('ga1', 'POST', `/api/tasks/${task.id}/complete`, { outcome: 'on_site' })).status).toBe(403);
    expect((await flow.as('op1', 'POST', `/api/tasks/${task.id}/complete`, { outcome: 'arrived' })).status).toBe(422);
    expect((await flow.as('op1', 'POST', `/api/tasks/${task.id}/complete`, { outcome: 'on_site', note: '到着' })).status).toBe(200);
    expect((await flow.as('op2', 'POST', `/api/tasks/${task.id}/complete`, { outcome: 'on_site' })).status).toBe(409);

    const log = (await entries(`action=task.complete&target=task:${task.id}`)).reverse();
    expect(log.map((e) => [e.actor.username, e.outcome, e.status])).toEqual([['ga1', 'refused', 403], ['op1', 'refused', 422], ['op1', 'ok', 200], ['op2', 'refused', 409]]);
    expect(log[1].change.error).toMatchObject({ field: 'outcome' });
    expect(log[2].change.request).toEqual({ outcome: 'on_site', note: '到着' });
    expect(new Set(log.map((e) => e.requestId)).size).toBe(4);
  });

  test('filters (actor, action prefix, target, outcome, from/to) and paging', async () => {
    const all = await flow.as('audit1', 'GET', '/api/audit?limit=5');
    expect(all.body).toMatchObject({ limit: 5, offset: 0 });
    expect(all.body.items).toHaveLength(5);
    const seqs = all.body.items.map((e: any) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const next = await flow.as('audit1', 'GET', '/api/audit?limit=5&offset=5');
    expect(next.body.items[0].seq).toBe(seqs[4] - 1);
    expect(next.body.total).toBe(all.body.total);

    for (const e of await entries('actor=op1&limit=100')) expect(e.actor.username).toBe('op1');
    const tasks = await entries('action=task.*&limit=100');
    expect(tasks.length).toBeGreaterThan(0);
    for (const e of tasks) expect(e.action.startsWith('task.')).toBe(true);
    for (const e of await entries('outcome=refused&limit=100')) expect(e.outcome).toBe('refused');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await entries(`from=${encodeURIComponent(future)}`)).toEqual([]);
    expect((await entries(`to=${encodeURIComponent(future)}&limit=1`)).length).toBe(1);
    // Only auditors and admins read the log.
    for (const user of ['ga1', 'op1', 'dept1']) expect((await flow.as(user, 'GET', '/api/audit')).status).toBe(403);
    expect((await flow.as('admin', 'GET', '/api/audit?limit=1')).status).toBe(200);
    expect((await flow.as('audit1', 'GET', '/api/audit?limit=0')).status).toBe(400);
    expect((await flow.as('audit1', 'GET', '/api/audit?from=yesterday')).status).toBe(400);
  });

  test('CSV export: UTF-8 with a BOM, Japanese headers, one row per entry, and the export itself is recorded', async () => {
    const response = await fetch(`${system.baseUrl}/api/audit?format=csv&action=task.*`, { headers: { authorization: `Bearer ${await flow.token('audit1')}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="opsdesk-audit-\d{8}\.csv"/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const lines = text.slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('連番,日時,操作者,ユーザー名,役割,操作,対象,結果,HTTPステータス,リクエストID,送信元アドレス,変更内容,前ハッシュ,ハッシュ');
    const json = await entries('action=task.*&limit=1000');
    expect(lines).toHaveLength(json.length + 1);
    expect(lines[1]).toMatch(/^\d+,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+09:00,/);
    expect(text).toContain('運用保守事業者');
    expect(text).toContain('拒否');
    const [exported] = await entries('action=audit.export');
    expect(exported).toMatchObject({ actor: { username: 'audit1' }, change: { filters: { action: 'task.*' }, rows: json.length } });
  });

  test('appending is safe under concurrency: parallel writers make one unbroken chain', async () => {
    const service = system.app.get(AuditLogService);
    const written = await Promise.all(Array.from({ length: 40 }, (_, i) => service.record({ actor: null, action: 'test.concurrent', change: { i } })));
    const seqs = written.map((e) => e.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => seqs[0] + i));
    const parallel = await Promise.all(Array.from({ length: 20 }, (_, i) => system.request('POST', '/api/auth/login', { body: { username: `parallel-${i}`, password: 'x' } })));
    expect(parallel.every((r) => r.status === 401)).toBe(true);
    const verified = await flow.as('audit1', 'GET', '/api/audit/verify');
    expect(verified.body).toMatchObject({ ok: true, firstBroken: null });
    expect(verified.body.checked).toBe(verified.body.lastSeq);
  });

  test('the table is append-only in the database: UPDATE, DELETE and TRUNCATE are refused by a trigger', async () => {
    await expect(pg.query(`update audit_log set action = 'forged' where seq = 1`)).rejects.toThrow(/append-only/);
    await expect(pg.query('delete from audit_log where seq = 1')).rejects.toThrow(/append-only/);
    await expect(pg.query('truncate audit_log')).rejects.toThrow(/append-only/);
    await expect(pg.query('delete from audit_chain_head')).rejects.toThrow(/audit_chain_head/);
    await expect(pg.query('update audit_chain_head set last_seq = 1')).rejects.toThrow(/audit_chain_head/);
  });

  test('tampering with one row (trigger disabled) is detected at that row; a deleted row is named too', async () => {
    const { rows } = await pg.query(`select seq, action, change from audit_log where action = 'calendar.closing_day.add' order by seq limit 1`);
    const seq = Number(rows[0].seq);
    await pg.query('alter table audit_log disable trigger audit_log_append_only');
    try {
      await pg.query(`update audit_log set change = replace(change, '2026-08-14', '2026-08-15') where seq = $1`, [seq]);
      let verified = (await flow.as('audit1', 'GET', '/api/audit/verify')).body;
      expect(verified).toMatchObject({ ok: false, firstBroken: { seq, reason: 'altered' } });
      expect(verified.firstBroken.message).toContain(`entry ${seq}`);
      expect(verified.checked).toBe(seq - 1);

      // Putting it back restores the chain; deleting a later row breaks it at that row.
      await pg.query('update audit_log set change = $2 where seq = $1', [seq, rows[0].change]);
      expect((await flow.as('audit1', 'GET', '/api/audit/verify')).body).toMatchObject({ ok: true });
      await pg.query('delete from audit_log where seq = $1', [seq + 2]);
      verified = (await flow.as('audit1', 'GET', '/api/audit/verify')).body;
      expect(verified).toMatchObject({ ok: false, firstBroken: { seq: seq + 2, reason: 'missing' } });
    } finally {
      await pg.query('alter table audit_log enable trigger audit_log_append_only');
    }
    // Admins may verify too; the others may not.
    expect((await flow.as('admin', 'GET', '/api/audit/verify')).body.ok).toBe(false);
    expect((await flow.as('op1', 'GET', '/api/audit/verify')).status).toBe(403);
  });
});
