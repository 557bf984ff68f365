import { eventually } from '../support/eventually';
import { alertmanagerBody, FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * R-REC-6 "has this happened before?": on any new case (incident, work request, inquiry) the
 * closed cases most like it — same device, same alert, similar text (Japanese included) — with
 * what fixed them; a department reads what its completion mail told it, not the contractor's
 * notes. R-DESK-1: the case page's "asked by" (origin) for a case from an inquiry or a mail.
 * Real Temporal and PostgreSQL.
 */
describe('R-REC-6: similar closed cases on any case, role-checked', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let closedIncident = '';

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
  });
  afterAll(async () => {
    await system?.close();
  });

  const postAlerts = (body: unknown) => system.request('POST', '/api/alerts', { body, headers: { authorization: 'Bearer opsdesk-demo-alerts' } });

  async function alertIncident(summary: string) {
    const accepted = await postAlerts(alertmanagerBody([{ hostname: 'vm-zeimu01', alertname: 'DiskFull', severity: 'major', summary }]));
    expect(accepted.status).toBe(202);
    return accepted.body.results[0].caseNumber as string;
  }

  async function similar(number: string, as: string) {
    const response = await flow.as(as, 'GET', `/api/cases/${number}/similar`);
    return response;
  }

  test('R-REC-6: a new incident of the same device and alert finds the closed one first, with what fixed it; noise is not listed', async () => {
    closedIncident = await alertIncident('ディスク使用率が95%を超えました（/var）');
    await flow.complete(closedIncident, 'acknowledge', 'op1', { outcome: 'on_site' });
    await flow.complete(closedIncident, 'triage', 'op1', { outcome: 'resolved', note: '夜間バッチのログが肥大化', data: { findings: '古いログを削除し /var を拡張しました', impactScope: '税務システム', serviceStopped: false } });
    await flow.complete(closedIncident, 'verify_platform', 'op1', { outcome: 'ok' });
    const request = await flow.openTask(closedIncident, 'request_department_verification');
    await flow.complete(closedIncident, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds: request.suggested.departmentIds } });
    await flow.complete(closedIncident, 'department_verification', 'dept1', { outcome: 'ok' });
    await flow.complete(closedIncident, 'approve_completion', 'ga1', { outcome: 'approved' });
    await flow.waitForStatus(closedIncident, 'done');

    // Noise: a closed inquiry about something else entirely.
    const other = (await flow.as('op1', 'POST', '/api/inquiries', { subject: '会議室の予約方法', text: '庁内の会議室はどこで予約できますか。', category: 'question', askerName: '総務 一郎' })).body.caseNumber as string;
    await flow.complete(other, 'inquiry_acknowledge', 'op1', { outcome: 'acknowledged' });
    await flow.complete(other, 'inquiry_respond', 'op1', { outcome: 'answer', data: { answer: '庁内ポータルから予約できます。' } });
    await flow.complete(other, 'inquiry_confirm', 'op1', { outcome: 'confirmed' });
    await flow.waitForStatus(other, 'done');

    // It happens again: the same host and alert open a new incident (the old one is closed).
    const again = await alertIncident('ディスク使用率が92%です');
    expect(again).not.toBe(closedIncident);
    // The answer to the alert comes once the case is registered; the workflow records the alert
    // itself (what the alert match reads) in its next write, a moment later.
    const seen = await eventually('the new incident has recorded its alert', async () => {
      const response = await similar(again, 'op1');
      return response.status !== 200 || response.body.items[0]?.matchedOn?.includes('alert') ? response : null;
    }, 30_000);
    expect(seen.status).toBe(200);
    expect(seen.body.items[0]).toMatchObject({ caseNumber: closedIncident, kind: 'incident', hostname: 'vm-zeimu01' });
    expect(seen.body.items[0].matchedOn).toEqual(expect.arrayContaining(['device', 'alert', 'text']));
    expect(seen.body.items[0].fixedBy).toEqual([expect.objectContaining({ step: 'triage', outcome: 'resolved', what: '古いログを削除し /var を拡張しました', note: '夜間バッチのログが肥大化', by: expect.any(String) })]);
    expect(seen.body.items.map((i: { caseNumber: string }) => i.caseNumber)).not.toContain(other);
    expect(seen.body.items.map((i: { caseNumber: string }) => i.caseNumber)).not.toContain(again);

    // Role-checked: the department of the device reads the fix as its completion mail said it, without
    // the contractor's notes or names; another department cannot open the case at all; the auditor reads.
    const department = await similar(again, 'dept1');
    expect(department.status).toBe(200);
    expect(department.body.items[0].fixedBy).toEqual([{ step: 'triage', outcome: 'resolved', what: '古いログを削除し /var を拡張しました', note: null, by: null }]);
    expect((await similar(again, 'dept2')).status).toBe(403);
    expect((await similar(again, 'audit1')).status).toBe(200);
    expect((await flow.as('op1', 'GET', '/api/cases/not-a-case/similar')).status).toBe(400);
  });

  test('R-REC-6: a new work request and a Japanese inquiry in other words find the closed incident by its text', async () => {
    const submitted = await flow.as('dept1', 'POST', '/api/work-requests', { type: 'other', subject: '/var のディスク使用率が高いので拡張してほしい', params: { description: 'ディスク使用率が95%を超えることがあるため、/var を拡張してください。' } });
    expect(submitted.status).toBe(201);
    const request = submitted.body.caseNumber as string;
    const forRequest = await similar(request, 'dept1');
    expect(forRequest.status).toBe(200);
    expect(forRequest.body.items.map((i: { caseNumber: string }) => i.caseNumber)).toContain(closedIncident);
    expect(forRequest.body.items.find((i: { caseNumber: string }) => i.caseNumber === closedIncident).matchedOn).toEqual(['text']);

    const inquiry = (await flow.as('op1', 'POST', '/api/inquiries', { subject: '税務システムのディスクがいっぱい', text: 'ディスク使用率が高いと警告が出ています。', category: 'fault_report', askerName: '税務課 鈴木', askerEmail: 'suzuki@zeimu.example.lg.jp' })).body.caseNumber as string;
    const forInquiry = await similar(inquiry, 'op1');
    expect(forInquiry.body.items[0]).toMatchObject({ caseNumber: closedIncident });
  });

  test('R-DESK-1: the case page shows who asked and by which channel — an inquiry, the incident it became, and nothing for an alert incident', async () => {
    const created = await flow.as('op1', 'POST', '/api/inquiries', { subject: '帳票が印刷できない', text: 'プリンタに送っても出てきません。', category: 'fault_report', affected: 'vm-zeimu01', askerName: '税務課 高橋', askerEmail: 'takahashi@zeimu.example.lg.jp', askerOrganisation: '税務課' });
    const inquiry = created.body.caseNumber as string;
    const own = (await flow.as('op1', 'GET', `/api/cases/${inquiry}/desk`)).body;
    expect(own.origin).toMatchObject({ inquiryNumber: inquiry, channel: 'phone', category: 'fault_report', asker: { name: '税務課 高橋', email: 'takahashi@zeimu.example.lg.jp' } });
    await flow.complete(inquiry, 'inquiry_acknowledge', 'op1', { outcome: 'acknowledged' });
    await flow.complete(inquiry, 'inquiry_respond', 'op1', { outcome: 'convert_incident', data: { severity: 'minor' } });
    await flow.waitForStatus(inquiry, 'done');
    const number = (await flow.as('op1', 'GET', `/api/inquiries/${inquiry}`)).body.links[0].caseNumber as string;
    const incident = (await flow.as('op1', 'GET', `/api/cases/${number}/desk`)).body;
    expect(incident.origin).toMatchObject({ inquiryNumber: inquiry, channel: 'phone', asker: { name: '税務課 高橋' } });
    // The department of the device sees the case, but not who outside it asked.
    const department = await flow.as('dept1', 'GET', `/api/cases/${number}/desk`);
    expect(department.status).toBe(200);
    expect(department.body.origin).toMatchObject({ inquiryNumber: inquiry, channel: 'phone', asker: null });
    // The converted inquiry is the same matter, not a "similar" one.
    expect((await similar(number, 'op1')).body.items.map((i: { caseNumber: string }) => i.caseNumber)).not.toContain(inquiry);
    expect((await flow.as('op1', 'GET', `/api/cases/${closedIncident}/desk`)).body.origin).toBeNull();
  });
});
