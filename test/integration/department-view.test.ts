import { alertmanagerBody, FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * Issue 22, point 7 (decided): a department reads its part of a case — status, its own steps,
 * general affairs' decisions addressed to it, department notes — and not the desk's internal
 * timeline (alerts, e-mails with their recipients, phone logs, the contractor's and maker's steps).
 * Enforced by the API: what the UI does not show is not sent either.
 */
describe('R-SCOPE: what a department sees of its own incident', () => {
  let system: TestSystem;
  let flow: FlowDriver;

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
  });
  afterAll(async () => {
    await system?.close();
  });

  test('R-FLOW-1: dept1 sees the status, its verification and department notes; not the alerts, e-mails, phone log, or the contractor\'s and maker\'s addresses', async () => {
    const alert = await system.request('POST', '/api/alerts', { body: alertmanagerBody([{ hostname: 'vm-zeimu01', alertname: 'HostDown', severity: 'major' }]), headers: { authorization: 'Bearer opsdesk-demo-alerts' } });
    const number = alert.body.results[0].caseNumber as string;
    await flow.complete(number, 'acknowledge', 'op1', { outcome: 'on_site' });
    await flow.complete(number, 'triage', 'op1', { outcome: 'resolved', data: { findings: 'メーカー窓口 support@maker.example.jp と調整済み', impactScope: '税務システム', serviceStopped: true } });
    expect((await flow.as('op1', 'POST', `/api/cases/${number}/notes`, { text: '社内メモ: 保守契約番号 X-123' })).status).toBe(201);
    expect((await flow.as('op1', 'POST', `/api/cases/${number}/contacts`, { channel: 'phone', counterpartKind: 'general_affairs', counterpart: '総務課 佐藤様', summary: '電話で状況を連絡', sendReport: false })).status).toBeLessThan(300);
    await flow.complete(number, 'verify_platform', 'op1', { outcome: 'ok' });
    const request = await flow.openTask(number, 'request_department_verification');
    await flow.complete(number, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds: request.suggested.departmentIds } });
    await flow.openTask(number, 'department_verification', 'dept1');
    expect((await flow.as('dept1', 'POST', `/api/cases/${number}/notes`, { text: '税務課: 業務再開を確認中' })).status).toBe(201);
    await system.smtp.waitFor((m) => m.subject.includes(number), { count: 2 });

    const desk = await flow.caseDetail(number, 'ga1');
    const deskKinds = new Set(desk.timeline.map((e: any) => e.kind));
    for (const kind of ['alert', 'email', 'phone', 'note', 'task_completed', 'status']) expect(deskKinds).toContain(kind);

    const seen = await flow.caseDetail(number, 'dept1');
    const kinds = new Set<string>(seen.timeline.map((e: any) => e.kind));
    expect([...kinds].filter((k) => !['created', 'status', 'hold', 'resume', 'plan', 'operation', 'task_opened', 'task_completed', 'note'].includes(k))).toEqual([]);
    expect(seen.status).toBe(desk.status);
    // Its own step and general affairs' request to it are there; the contractor's steps are not.
    expect(seen.openTasks.map((t: any) => t.type)).toEqual(['department_verification']);
    expect(seen.doneTasks.map((t: any) => t.type)).toEqual(['request_department_verification']);
    const notes = seen.timeline.filter((e: any) => e.kind === 'note').map((e: any) => e.messageJa);
    expect(notes).toEqual(['税務課: 業務再開を確認中']);
    // Nothing of the internal timeline leaks, in any field.
    const text = JSON.stringify(seen);
    for (const secret of ['@ops-contractor.example.jp', 'support@maker.example.jp', '保守契約番号', '総務課 佐藤様', 'soumu@example.lg.jp']) expect(text).not.toContain(secret);
    expect(seen.record.actions).toBe(seen.timeline.length);
  });
});
