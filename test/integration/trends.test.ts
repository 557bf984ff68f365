import { startTestSystem, type TestSystem } from '../support/test-system';
import { withDatabase } from '../support/databases';

/**
 * Issue 22, point 2: the dashboard's trends, computed in PostgreSQL over the cases a caller may
 * see: cases per week, SLA met % per month (in the month the SLA stopped), open cases by age.
 */
describe('R-REC: trends for the dashboard (cases per week, SLA met % per month, open by age)', () => {
  let system: TestSystem;
  let ga: string;
  let dept1: string;
  let dept2: string;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
    [ga, dept1, dept2] = await Promise.all(['ga1', 'dept1', 'dept2'].map((u) => system.login(u)));
    await withDatabase(system.config.databaseUrl, async (db) => {
      // Cases of 税務課 (dept1), relative to now: [age, status, sla stopped ago (null: none), breached].
      await db.query(`
        insert into case_record (id, number, kind, workflow_id, run_id, subject, occurred_at, status, resolution, impact, department_ids,
                                 hostname, unregistered_device, alert_count, breached, sla, created_at, updated_at)
        select gen_random_uuid(), 'INC-TR-' || g, k, 'wf-tr-' || g, 'run-tr-' || g, 'trend ' || g, now() - age, st, null, '{}'::jsonb,
               array[(select department_id from app_user where username = 'dept1')], 'vm-zeimu01', false, 1, br,
               case when stopped is null then null else jsonb_build_object('kind', 'onsite', 'breached', br, 'stoppedAt', to_jsonb(now() - stopped)) end,
               now(), now()
          from (values
            (1, 'incident', interval '2 hours', 'in_progress', interval '1 hour', false),
            (2, 'incident', interval '2 days', 'on_hold', interval '2 days', true),
            (3, 'work_request', interval '5 days', 'received', null, false),
            (4, 'incident', interval '10 days', 'verifying', null, false),
            (5, 'incident', interval '40 days', 'in_progress', null, false),
            (6, 'incident', interval '3 hours', 'done', interval '2 hours', false)
          ) as v(g, k, age, st, stopped, br)`);
    });
  });
  afterAll(async () => {
    await system?.close();
  });

  const trends = async (token: string, query = '') => {
    const response = await system.request('GET', `/api/cases/trends${query}`, { token });
    expect({ status: response.status, body: response.status === 200 ? null : response.body }).toEqual({ status: 200, body: null });
    return response.body as {
      weeks: Array<{ weekStart: string; incidents: number; workRequests: number }>;
      slaByMonth: Array<{ month: string; measured: number; met: number; metPercent: number | null }>;
      openByAge: Array<{ key: string; ja: string; count: number }>;
    };
  };

  test('R-REC: open cases by age in five buckets; every week and month present, oldest first; totals match the rows', async () => {
    const t = await trends(ga, '?weeks=4&months=3');
    expect(t.openByAge.map((b) => [b.key, b.count])).toEqual([['lt1d', 1], ['1to3d', 1], ['3to7d', 1], ['7to30d', 1], ['ge30d', 1]]);
    expect(t.openByAge[0].ja).toBe('1日未満');
    expect(t.weeks).toHaveLength(4);
    expect(t.slaByMonth).toHaveLength(3);
    expect([...t.weeks].map((w) => w.weekStart).sort()).toEqual(t.weeks.map((w) => w.weekStart));
    // Weeks start on Monday (Japan time).
    for (const w of t.weeks) expect(new Date(`${w.weekStart}T00:00:00Z`).getUTCDay()).toBe(1);
    // All but the 40-day-old case fall in the last 4 weeks (this one and the three before).
    expect(t.weeks.reduce((n, w) => n + w.incidents, 0)).toBe(4);
    expect(t.weeks.reduce((n, w) => n + w.workRequests, 0)).toBe(1);
    // Three SLAs stopped within the last 2 days (one breached): they count in this month or the last.
    const measured = t.slaByMonth.reduce((n, m) => n + m.measured, 0);
    const met = t.slaByMonth.reduce((n, m) => n + m.met, 0);
    expect([measured, met]).toEqual([3, 2]);
    const current = t.slaByMonth[t.slaByMonth.length - 1];
    if (current.measured) expect(current.metPercent).toBeCloseTo((current.met / current.measured) * 100, 1);
    expect(t.slaByMonth.filter((m) => m.measured === 0).every((m) => m.metPercent === null)).toBe(true);
  });

  test('R-REC: a department sees the trends of its own cases only; the defaults are 12 weeks and 6 months', async () => {
    const own = await trends(dept1);
    expect(own.weeks).toHaveLength(12);
    expect(own.slaByMonth).toHaveLength(6);
    expect(own.openByAge.reduce((n, b) => n + b.count, 0)).toBe(5);
    const other = await trends(dept2);
    expect(other.openByAge.reduce((n, b) => n + b.count, 0)).toBe(0);
    expect(other.weeks.every((w) => w.incidents === 0 && w.workRequests === 0)).toBe(true);
  });

  test('R-REC: bad parameters are a 400 naming the parameter', async () => {
    for (const [query, field] of [['?weeks=0', 'weeks'], ['?weeks=x', 'weeks'], ['?months=25', 'months']]) {
      const response = await system.request('GET', `/api/cases/trends${query}`, { token: ga });
      expect({ query, status: response.status, field: response.body?.field }).toEqual({ query, status: 400, field });
    }
  });
});
