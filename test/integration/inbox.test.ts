import { startTestSystem, type TestSystem } from '../support/test-system';
import { withDatabase } from '../support/databases';

/**
 * 担当タスク (the inbox, GET /api/tasks): each role's open steps, the earliest deadline first, with
 * their case's subject, status and SLA beside them. A busy queue is where this matters: an
 * operator with 130 open steps sees the 100 most urgent, and a step without a deadline never pushes
 * one with a deadline off the page.
 */
describe('R-FLOW-1, R-FLOW-2: the inbox orders each role’s open steps by deadline', () => {
  let system: TestSystem;
  let op1: string;
  let dept1: string;
  let dept2: string;
  const base = Date.parse('2030-04-01T00:00:00Z');
  const hour = 3_600_000;
  /** The operator's steps: due in a shuffled order of hours, every tenth one without a deadline. */
  const operatorSteps = Array.from({ length: 130 }, (_, i) => ({
    id: `INC-2030-00001-T${String(i + 1).padStart(3, '0')}`,
    dueAt: i % 10 === 9 ? null : new Date(base + ((i * 37) % 130) * hour).toISOString(),
    createdAt: new Date(base - (130 - i) * 60_000).toISOString(),
  }));
  const expectedOrder = [...operatorSteps]
    .sort((a, b) => (a.dueAt === b.dueAt ? a.createdAt.localeCompare(b.createdAt) : a.dueAt === null ? 1 : b.dueAt === null ? -1 : a.dueAt.localeCompare(b.dueAt)))
    .map((s) => s.id);

  const inbox = async (token: string, query = 'mine=true') => {
    const response = await system.request('GET', `/api/tasks?${query}`, { token });
    expect(response.status).toBe(200);
    return response.body.items as Array<{ id: string; type: string; dueAt: string | null; case: { subject: string; status: string; statusLabel: { ja: string; en: string }; breached: boolean; dueAt: string | null } | null }>;
  };

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
    [op1, dept1, dept2] = await Promise.all(['op1', 'dept1', 'dept2'].map((u) => system.login(u)));
    await withDatabase(system.config.databaseUrl, async (db) => {
      const department = async (username: string) => (await db.query(`select department_id as id from app_user where username = $1`, [username])).rows[0].id as string;
      const [zeimu, other] = [await department('dept1'), await department('dept2')];
      const insertCase = async (number: string, kind: string, status: string, departments: string[]) =>
        (await db.query(
          `insert into case_record (id, number, kind, workflow_id, run_id, subject, occurred_at, status, impact, department_ids,
                                    unregistered_device, alert_count, breached, due_at, created_at, updated_at)
           values (gen_random_uuid(), $1, $2, 'wf-' || $1, 'run-' || $1, '受信トレイ確認 ' || $1, $3, $4, '{}', $5, false, 0, false, $6, $3, now())
           returning id`,
          [number, kind, new Date(base - 10 * hour).toISOString(), status, departments, new Date(base).toISOString()],
        )).rows[0].id as string;
      const incident = await insertCase('INC-2030-00001', 'incident', 'in_progress', [zeimu]);
      const ownRequest = await insertCase('REQ-2030-00001', 'work_request', 'verifying', [zeimu]);
      const othersRequest = await insertCase('REQ-2030-00002', 'work_request', 'verifying', [other]);
      const insertTask = (id: string, caseId: string, caseNumber: string, type: string, role: string, dueAt: string | null, createdAt: string, departmentId: string | null = null, state = 'open') =>
        db.query(
          `insert into case_task (id, case_id, case_number, workflow_id, type, assignee_role, department_id, state, allowed_outcomes, due_at, created_at)
           values ($1, $2, $3, 'wf-' || $3, $4, $5, $6, $7, array['done'], $8, $9)`,
          [id, caseId, caseNumber, type, role, departmentId, state, dueAt, createdAt],
        );
      for (const step of operatorSteps) await insertTask(step.id, incident, 'INC-2030-00001', 'triage', 'operator', step.dueAt, step.createdAt);
      await insertTask('INC-2030-00001-T900', incident, 'INC-2030-00001', 'acknowledge', 'operator', new Date(base - 99 * hour).toISOString(), new Date(base).toISOString(), null, 'done');
      await insertTask('REQ-2030-00001-T1', ownRequest, 'REQ-2030-00001', 'verify_work', 'department', new Date(base + 5 * hour).toISOString(), new Date(base).toISOString(), zeimu);
      await insertTask('REQ-2030-00002-T1', othersRequest, 'REQ-2030-00002', 'verify_work', 'department', new Date(base + 1 * hour).toISOString(), new Date(base).toISOString(), other);
    });
  });
  afterAll(async () => {
    await system?.close();
  });

  test('R-FLOW-1: an operator with 130 open steps sees the 100 with the earliest deadlines, in order; steps without one come after, oldest first', async () => {
    const page = await inbox(op1);
    expect(page.map((t) => t.id)).toEqual(expectedOrder.slice(0, 100));
    expect(page.every((t) => t.dueAt !== null)).toBe(true); // 117 have a deadline: none of the 13 without one is on the first page

    const all = await inbox(op1, 'mine=true&limit=500');
    expect(all.map((t) => t.id)).toEqual(expectedOrder);
    expect(all.slice(-13).every((t) => t.dueAt === null)).toBe(true);
    expect((await inbox(op1, 'mine=true&limit=3')).map((t) => t.id)).toEqual(expectedOrder.slice(0, 3));
  });

  test('R-FLOW-1: each step carries its case’s subject, status and deadline; finished steps are listed apart', async () => {
    const [first] = await inbox(op1, 'mine=true&limit=1');
    expect(first).toMatchObject({ type: 'triage', case: { subject: '受信トレイ確認 INC-2030-00001', status: 'in_progress', statusLabel: { ja: '対応中', en: 'In progress' }, breached: false, dueAt: new Date(base).toISOString() } });
    const done = await inbox(op1, 'state=done');
    expect(done.map((t) => t.id)).toEqual(['INC-2030-00001-T900']);
    const ofCase = await inbox(op1, 'caseId=inc-2030-00001&limit=500');
    expect(ofCase).toHaveLength(130);
  });

  test('R-FLOW-2: a department sees its own verification step only, not another department’s', async () => {
    expect((await inbox(dept1)).map((t) => t.id)).toEqual(['REQ-2030-00001-T1']);
    expect((await inbox(dept2)).map((t) => t.id)).toEqual(['REQ-2030-00002-T1']);
    expect((await system.request('GET', '/api/tasks?caseId=REQ-2030-00001', { token: dept2 })).status).toBe(403);
  });
});
