import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { completeTask, FAILURE_TYPES } from '../../workflows/shared/messages';
import { FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * 職務分離: whoever executed or verified the work as an operator cannot approve its completion, even
 * when they also hold the general affairs role — refused by the API and by the workflow's Update
 * validator alike (a completion sent straight to Temporal is refused too). Admins approve nothing.
 */
describe('separation of duties: the maker is never the checker', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let opga: { id: string; ref: Record<string, unknown> };

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
    const created = await flow.as('admin', 'POST', '/api/users', {
      username: 'opga', displayName: '運用 兼 総務', email: 'opga@example.lg.jp', roles: ['operator', 'general_affairs'], password: 'opga-password-1',
    });
    expect(created.status).toBe(201);
    await system.login('opga', 'opga-password-1').then((token) => (flow as any).tokens.set('opga', token));
    const me = (await flow.as('opga', 'GET', '/api/auth/me')).body;
    opga = { id: me.userId, ref: { userId: me.userId, username: me.username, displayName: me.displayName, roles: me.roles, departmentId: null, email: me.email } };
  });
  afterAll(async () => {
    await system?.close();
  });

  async function expectRefusedAroundTheApi(caseNumber: string, taskId: string) {
    const detail = await flow.caseDetail(caseNumber);
    const handle = system.app.get(Client).workflow.getHandle(detail.workflowId);
    const error = await handle.executeUpdate(completeTask, { args: [{ taskId, outcome: 'approved', actor: opga.ref as any }] }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe(FAILURE_TYPES.forbidden);
    expect((cause as ApplicationFailure).message).toContain('separation of duties');
  }

  test('incident: opga triaged and verified the platform, so opga may not approve; ga1 does', async () => {
    const reported = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'vm-zeimu01', subject: '職務分離の確認', summary: 'SoD', severity: 'minor' });
    const number = reported.body.caseNumber as string;
    await flow.complete(number, 'acknowledge', 'op1', { outcome: 'on_site' });
    await flow.complete(number, 'triage', 'opga', { outcome: 'resolved', data: { findings: '再起動で復旧', impactScope: '税務システム', serviceStopped: false } });
    await flow.complete(number, 'verify_platform', 'opga', { outcome: 'ok' });
    const ask = await flow.openTask(number, 'request_department_verification');
    // opga may act as general affairs where nothing conflicts.
    await flow.complete(number, 'request_department_verification', 'opga', { outcome: 'requested', data: { departmentIds: ask.suggested.departmentIds } });
    await flow.complete(number, 'department_verification', 'dept1', { outcome: 'ok' });

    const approval = await flow.openTask(number, 'approve_completion', 'ga1');
    const refused = await flow.as('opga', 'POST', `/api/tasks/${approval.id}/complete`, { outcome: 'approved' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    expect(refused.body.message).toContain('職務分離');
    expect(refused.body.message).toContain('separation of duties');
    await expectRefusedAroundTheApi(number, approval.id);
    // Rejecting is approving's other half: refused the same way.
    expect((await flow.as('opga', 'POST', `/api/tasks/${approval.id}/complete`, { outcome: 'rejected', note: 'x' })).status).toBe(403);
    // An admin approves nothing; an auditor changes nothing.
    expect((await flow.as('admin', 'POST', `/api/tasks/${approval.id}/complete`, { outcome: 'approved' })).status).toBe(403);
    expect((await flow.as('audit1', 'POST', `/api/tasks/${approval.id}/complete`, { outcome: 'approved' })).status).toBe(403);

    expect((await flow.caseDetail(number)).openTasks.map((t: any) => t.id)).toContain(approval.id);
    await flow.complete(number, 'approve_completion', 'ga1', { outcome: 'approved' });
    const done = await flow.waitForStatus(number, 'done');
    expect(done.record.approver).toBe('総務 花子');

    const log = await flow.as('audit1', 'GET', `/api/audit?action=task.complete&target=task:${approval.id}`);
    expect(log.body.items.map((e: any) => [e.actor?.username, e.outcome, e.status])).toEqual(expect.arrayContaining([
      ['opga', 'refused', 403], ['admin', 'refused', 403], ['audit1', 'refused', 403], ['ga1', 'ok', 200],
    ]));
  });

  test('work request: opga drew up the plan, so opga may not confirm it; opga executed it, so opga may not approve it', async () => {
    const submitted = await flow.as('dept1', 'POST', '/api/work-requests', { type: 'other', subject: '職務分離の確認（作業依頼）', params: { description: '設定変更' } });
    const number = submitted.body.caseNumber as string;
    await flow.complete(number, 'accept_request', 'ga1', { outcome: 'accepted' });
    const start = new Date(Date.now() + 1500).toISOString();
    await flow.complete(number, 'plan_work', 'opga', { outcome: 'planned', data: { plannedStart: start, plannedEnd: new Date(Date.now() + 3_600_000).toISOString(), content: '設定変更', stopsService: false } });
    const confirm = await flow.openTask(number, 'confirm_plan');
    const ownPlan = await flow.as('opga', 'POST', `/api/tasks/${confirm.id}/complete`, { outcome: 'confirmed' });
    expect(ownPlan.status).toBe(403);
    expect(ownPlan.body.message).toContain('separation of duties');
    await flow.complete(number, 'confirm_plan', 'ga1', { outcome: 'confirmed' });
    await flow.complete(number, 'execute_work', 'opga', { outcome: 'done', data: { result: '設定を変更しました' } });
    await flow.complete(number, 'verify_work', 'op1', { outcome: 'ok' });
    const ask = await flow.openTask(number, 'request_department_verification');
    await flow.complete(number, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds: ask.suggested.departmentIds } });
    await flow.complete(number, 'department_verification', 'dept1', { outcome: 'ok' });

    const approval = await flow.openTask(number, 'approve_completion');
    const refused = await flow.as('opga', 'POST', `/api/tasks/${approval.id}/complete`, { outcome: 'approved' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('(execute_work)');
    await expectRefusedAroundTheApi(number, approval.id);
    await flow.complete(number, 'approve_completion', 'ga1', { outcome: 'approved' });
    await flow.waitForStatus(number, 'done');
  });

  test('roles that would undo the separation cannot be given: admin with general affairs, auditor with anything', async () => {
    const base = { displayName: 'x', email: 'x@example.lg.jp', password: 'long-enough-password' };
    const adminGa = await flow.as('admin', 'POST', '/api/users', { ...base, username: 'admin-ga', roles: ['admin', 'general_affairs'] });
    expect(adminGa).toMatchObject({ status: 422, body: { field: 'roles' } });
    const auditorOp = await flow.as('admin', 'POST', '/api/users', { ...base, username: 'audit-op', roles: ['auditor', 'operator'] });
    expect(auditorOp).toMatchObject({ status: 422, body: { field: 'roles' } });
    const patched = await flow.as('admin', 'PATCH', `/api/users/${opga.id}`, { roles: ['operator', 'auditor'] });
    expect(patched).toMatchObject({ status: 422, body: { field: 'roles' } });
  });
});
