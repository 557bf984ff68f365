import { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { CaseRecorder } from '../../src/cases/case-recorder.service';
import { ormOptions } from '../../src/database/mikro-orm.config';
import { migrateDatabase } from '../../src/database/migrate';
import type { AppConfig } from '../../src/config/app-config';
import { PgNotifications } from '../../src/database/pg-notifications';
import { CaseRegistrations } from '../../src/temporal/case-registrations';
import { createTestDatabase } from '../support/databases';
import { eventually } from '../support/eventually';

/** Activities are retried by Temporal: every write of the case record must apply exactly once. */
describe('case record writes are idempotent and atomic (real PostgreSQL)', () => {
  let orm: MikroORM;
  let recorder: CaseRecorder;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    orm = await MikroORM.init(ormOptions(databaseUrl));
    await migrateDatabase(orm);
    recorder = new CaseRecorder(orm.em);
  });
  afterAll(async () => {
    await orm.close(true);
  });

  const register = (runId: string, occurredAt = '2026-04-01T01:00:00Z') =>
    recorder.registerCase({ kind: 'incident', workflowId: `wf-${runId}`, runId, subject: 'disk full', occurredAt });

  test('R-REC-1: a retried registration returns the same number, and numbers have no gaps per kind and year', async () => {
    const first = await register('run-a');
    expect(await register('run-a')).toEqual(first);
    const others = await Promise.all(['run-b', 'run-c', 'run-d'].map((r) => register(r)));
    const numbers = [first, ...others].map((c) => Number(c.caseNumber.slice(-4))).sort((a, b) => a - b);
    expect(numbers).toEqual([1, 2, 3, 4]);
    expect(first.caseNumber).toBe('INC-2026-0001');
    // The year is Japan's: 31 Dec 20:00 UTC is already 1 Jan in Tokyo.
    expect((await register('run-e', '2026-12-31T20:00:00Z')).caseNumber).toBe('INC-2027-0001');
  });

  test('R-FLOW-1: the answer waiting for a new case is woken by its registration at commit (not by a poll) and reads number and opening alert from the row', async () => {
    const registrations = new CaseRegistrations({ databaseUrl } as AppConfig, orm.em);
    try {
      const runId = `run-${randomUUID()}`;
      const alertId = randomUUID();
      const { registered, wake } = registrations.of(runId);
      expect(await registered()).toBeNull();
      await eventually('the notification listener is connected', () => Promise.resolve(PgNotifications.acquire(databaseUrl).listening), 10_000);
      // Without the notification this waits for its whole fallback (longer than the test may run).
      const woken = wake(10 * 60_000);
      const { caseId, caseNumber } = await recorder.registerCase({ kind: 'incident', workflowId: `wf-${runId}`, runId, subject: 'disk full', occurredAt: '2026-04-01T01:00:00Z', openedByAlertId: alertId });
      await woken;
      expect(await registered()).toEqual({ caseId, caseNumber, openedByAlertId: alertId });
    } finally {
      await registrations.onApplicationShutdown();
    }
  });

  test('R-REC-6: the same event key is applied once, and a failed event leaves nothing behind', async () => {
    const { caseId } = await register(`run-${randomUUID()}`);
    const event = { caseId, key: `k-${randomUUID()}`, at: new Date().toISOString(), patch: { alertCountIncrement: 1 }, entry: { kind: 'alert' as const, messageJa: 'a', messageEn: 'a' } };
    await recorder.recordEvent(event);
    await recorder.recordEvent(event);
    const rows = await orm.em.fork().getConnection().execute('select alert_count from case_record where id = ?', [caseId]);
    expect(rows[0].alert_count).toBe(1);

    // The timeline row is inserted first; the case lookup then fails, and the insert must roll back.
    const broken = { ...event, caseId: randomUUID(), key: `k-${randomUUID()}` };
    await expect(recorder.recordEvent(broken)).rejects.toThrow();
    const timeline = await orm.em.fork().getConnection().execute('select count(*)::int as n from case_timeline where key = ?', [broken.key]);
    expect(timeline[0].n).toBe(0);
    const after = await orm.em.fork().getConnection().execute('select alert_count from case_record where id = ?', [caseId]);
    expect(after[0].alert_count).toBe(1);
  });

  test('R-REC-6: the steps of one workflow task written together apply in order, each once per key, and all or none', async () => {
    const { caseId } = await register(`run-${randomUUID()}`);
    const at = new Date().toISOString();
    const step = (key: string, patch: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      ({ caseId, key: `${key}-${caseId}`, at, patch, entry: { kind: 'status' as const, messageJa: key, messageEn: key }, ...extra });
    const taskId = `T-${randomUUID()}`;
    const batch = [
      step('done', { nextRole: null }),
      step('status', { status: 'in_progress', nextRole: null }),
      step('open', { nextRole: 'operator' }, { openTasks: [{ taskId, type: 'triage', assigneeRole: 'operator', allowedOutcomes: ['resolved'] }] }),
    ];
    await recorder.recordEvents(batch);
    await recorder.recordEvents(batch); // a retried activity
    const conn = orm.em.fork().getConnection();
    const [row] = await conn.execute('select status, next_role from case_record where id = ?', [caseId]);
    expect(row).toEqual({ status: 'in_progress', next_role: 'operator' });
    const keys = await conn.execute<Array<{ key: string }>>('select key from case_timeline where case_id = ? and kind = ? order by key', [caseId, 'status']);
    expect(keys.map((k) => k.key.split('-')[0]).sort()).toEqual(['done', 'open', 'status']);
    expect((await conn.execute('select count(*)::int as n from case_task where id = ?', [taskId]))[0].n).toBe(1);

    // A step for a case that does not exist fails the whole batch: the step before it rolls back too.
    const first = step('first', { nextRole: 'general_affairs' });
    await expect(recorder.recordEvents([first, { ...step('broken', {}), caseId: randomUUID() }])).rejects.toThrow();
    expect((await conn.execute('select count(*)::int as n from case_timeline where key = ?', [first.key]))[0].n).toBe(0);
    expect((await conn.execute('select next_role from case_record where id = ?', [caseId]))[0].next_role).toBe('operator');
  });
});
