import { Client } from '@temporalio/client';
import { FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';

const vmParams = { vmName: 'vm-zeimu-test', cpu: 2, memoryGiB: 8, diskGiB: 100, os: 'rhel9', businessSystem: '税務システム' };

describe('R-FLOW-2: work requests from submission to approval, on real Temporal, PostgreSQL and SMTP', () => {
  let system: TestSystem;
  let flow: FlowDriver;

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
  });
  afterAll(async () => {
    await system?.close();
  });

  test('R-FLOW-2 / R-SLA-3: submitted by a department, accepted, planned, executed at the planned time, verified and approved', async () => {
    // A type done by hand (the automated ones are covered in test/operations/): execute_work opens at the planned start.
    const submitted = await flow.as('dept1', 'POST', '/api/work-requests', { type: 'other', subject: '税務システム検証用VMの払出し', params: { description: '税務システム検証用VM（2 vCPU / 8 GiB / 100 GiB）' }, note: '年内に必要です' });
    expect(submitted.status).toBe(201);
    const number = submitted.body.caseNumber as string;
    expect(number).toMatch(/^REQ-\d{4}-\d{4}$/);
    const [submittedMail] = await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('作業依頼を受け付けました'));
    expect(submittedMail.to).toContain('soumu@example.lg.jp');
    expect(submittedMail.cc).toContain('dept1@example.lg.jp');

    // Acceptance is the receipt: the three-business-day SLA starts, operators are e-mailed.
    await flow.complete(number, 'accept_request', 'ga1', { outcome: 'accepted' });
    let detail = await flow.caseDetail(number);
    expect(detail.status).toBe('in_progress');
    expect(detail.sla).toMatchObject({ kind: 'resolution', breached: false, paused: false, pausedSeconds: 0 });
    const deadline = await flow.as('ga1', 'GET', `/api/calendar/deadline?from=${encodeURIComponent(detail.sla.startAt)}&businessDays=3`);
    expect(detail.sla.dueAt).toBe(deadline.body.dueAt);
    const [acceptedMail] = await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('作業依頼を受領しました'));
    expect(acceptedMail.to).toEqual(expect.arrayContaining(['op1@ops-contractor.example.jp', 'op2@ops-contractor.example.jp']));

    // Hold waiting for the requester pauses the SLA; resume adds the paused time back.
    const held = await flow.as('op1', 'POST', `/api/cases/${number}/hold`, { reason: '設置場所を確認中', waitingFor: 'requester' });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ status: 'on_hold', sla: { paused: true } });
    const resumed = await flow.as('op1', 'POST', `/api/cases/${number}/resume`, { reason: '回答あり' });
    expect(resumed.body).toMatchObject({ status: 'in_progress', sla: { paused: false } });

    // The plan (作業計画), confirmed by general affairs, recorded as its approver.
    const start = new Date(Date.now() + 1500).toISOString();
    const end = new Date(Date.now() + 3_600_000).toISOString();
    await flow.complete(number, 'plan_work', 'op1', { outcome: 'planned', data: { plannedStart: start, plannedEnd: end, content: 'VM作成、IP払出し、監視登録', stopsService: false } });
    await flow.complete(number, 'confirm_plan', 'ga1', { outcome: 'confirmed' });
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('作業計画が承認されました'));

    // Execution opens at the planned start (a durable timer), with the type's checklist.
    const execute = await flow.openTask(number, 'execute_work', 'op1');
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(start) - 100);
    expect(execute.suggested.checklistJa.length).toBeGreaterThan(0);
    await flow.complete(number, 'execute_work', 'op1', { outcome: 'done', data: { result: 'vm-zeimu-test を作成、10.0.1.25 を割当て' } });
    await flow.complete(number, 'verify_work', 'op1', { outcome: 'ok' });
    detail = await flow.caseDetail(number);
    expect(detail.sla.stoppedAt).not.toBeNull();

    const request = await flow.openTask(number, 'request_department_verification');
    await flow.complete(number, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds: request.suggested.departmentIds } });
    expect((await flow.caseDetail(number)).status).toBe('verifying');
    // The other department may not verify someone else's request.
    const verification = await flow.openTask(number, 'department_verification', 'dept1');
    expect((await flow.as('dept2', 'POST', `/api/tasks/${verification.id}/complete`, { outcome: 'ok' })).status).toBe(403);
    await flow.complete(number, 'department_verification', 'dept1', { outcome: 'ok' });
    await flow.complete(number, 'approve_completion', 'ga1', { outcome: 'approved' });

    detail = await flow.waitForStatus(number, 'done');
    expect(detail.record).toMatchObject({ subject: '税務システム検証用VMの払出し', assignee: '運用 一郎', approver: '総務 花子' });
    expect(detail.record.workPlan).toMatchObject({ plannedStart: start, plannedEnd: end, stopsService: false, approvedBy: '総務 花子', plannedBy: '運用 一郎' });
    expect(detail.record.completedAt).not.toBeNull();
    expect(detail.sla.pausedSeconds).toBeGreaterThanOrEqual(0);
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('対応が完了しました') && m.to.includes('dept1@example.lg.jp'));
    const steps = detail.timeline.filter((e: any) => e.kind === 'task_completed').map((e: any) => e.data.type);
    expect(steps).toEqual(['accept_request', 'plan_work', 'confirm_plan', 'execute_work', 'verify_work', 'request_department_verification', 'department_verification', 'approve_completion']);
    expect(detail.timeline.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['hold', 'resume', 'plan']));
  });

  test('R-FLOW-2: returned for more information, resubmitted with new parameters, then rejected with a reason', async () => {
    const submitted = await flow.as('dept1', 'POST', '/api/work-requests', { type: 'db.provide', subject: 'DB提供', params: { databaseName: 'zeimu_test', sizeClass: 'small', businessSystem: '税務' } });
    const number = submitted.body.caseNumber;
    await flow.complete(number, 'accept_request', 'ga1', { outcome: 'returned', note: '用途を記載してください' });
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('差し戻されました') && m.to.includes('dept1@example.lg.jp'));
    const resubmit = await flow.openTask(number, 'resubmit_request', 'dept1');
    expect(resubmit.suggested.params).toMatchObject({ databaseName: 'zeimu_test' });
    // The resubmitted parameters are checked against the same schema as the submission.
    const bad = await flow.as('dept1', 'POST', `/api/tasks/${resubmit.id}/complete`, { outcome: 'resubmitted', data: { params: { databaseName: 'Bad Name', sizeClass: 'small', businessSystem: '税務' } } });
    expect(bad).toMatchObject({ status: 422, body: { field: 'data.params.databaseName' } });
    await flow.complete(number, 'resubmit_request', 'dept1', { outcome: 'resubmitted', data: { subject: 'DB提供（税務システム検証用）', params: { databaseName: 'zeimu_test', sizeClass: 'medium', businessSystem: '税務システム' } } });
    const refused = await flow.as('ga1', 'POST', `/api/tasks/${(await flow.openTask(number, 'accept_request')).id}/complete`, { outcome: 'rejected' });
    expect(refused).toMatchObject({ status: 422, body: { field: 'note' } });
    await flow.complete(number, 'accept_request', 'ga1', { outcome: 'rejected', note: '既存DBで対応可能なため' });
    const detail = await flow.waitForStatus(number, 'done');
    expect(detail).toMatchObject({ resolution: 'rejected', subject: 'DB提供（税務システム検証用）' });
    expect(detail.params).toMatchObject({ sizeClass: 'medium' });
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('却下'));
  });

  test('R-FLOW-2: bad parameters are refused naming the field, and nothing is started', async () => {
    const client = system.app.get(Client);
    const before = await countWorkflows(client);
    const cases = [
      [{ type: 'vm.provision', subject: 'x', params: { ...vmParams, cpu: 0 } }, 422, 'params.cpu'],
      [{ type: 'vm.provision', subject: 'x', params: { ...vmParams, colour: 'red' } }, 422, 'params.colour'],
      [{ type: 'vm.delete', subject: 'x', params: { vmName: 'vm-a', confirmName: 'vm-b' } }, 422, 'params.confirmName'],
      [{ type: 'teleport', subject: 'x', params: {} }, 400, 'type'],
      [{ type: 'other', subject: '', params: { description: 'x' } }, 400, 'subject'],
      [{ type: 'other', subject: 'x', params: { description: 'x' }, extra: 1 }, 400, 'extra'],
    ] as const;
    for (const [body, status, field] of cases) {
      const response = await flow.as('dept1', 'POST', '/api/work-requests', body);
      expect({ field, status: response.status, got: response.body.field }).toEqual({ field, status, got: field });
    }
    expect((await flow.as('op1', 'POST', '/api/work-requests', { type: 'other', subject: 'x', params: { description: 'x' } })).status).toBe(403);
    expect((await flow.as('ga1', 'POST', '/api/work-requests', { type: 'other', subject: 'x', params: { description: 'x' } })).body.field).toBe('departmentId');
    expect(await countWorkflows(client)).toBe(before);
    const list = await flow.as('dept2', 'GET', '/api/cases?kind=work_request');
    expect(list.body.items.every((c: any) => c.departmentIds.length === 1)).toBe(true);
    expect(list.body.items.some((c: any) => c.subject.startsWith('税務'))).toBe(false);
  });

  async function countWorkflows(client: Client): Promise<number> {
    let n = 0;
    for await (const _ of client.workflow.list({ query: `WorkflowType = 'workRequestWorkflow' AND TaskQueue = '${system.config.temporal.taskQueue}'` })) n++;
    return n;
  }
});
