import { Client } from '@temporalio/client';
import { alertmanagerBody, FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { eventually } from '../support/eventually';

describe('R-FLOW-1: incident from alert to approved closure, on real Temporal, PostgreSQL and SMTP', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  const alertToken = 'opsdesk-demo-alerts';

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
  });
  afterAll(async () => {
    await system?.close();
  });

  const postAlerts = (body: unknown, token = alertToken) =>
    system.request('POST', '/api/alerts', { body, headers: { authorization: `Bearer ${token}` } });

  test('R-FLOW-1: a firing Alertmanager alert goes through every step to 完了 with its e-mails, record and search attributes', async () => {
    const accepted = await postAlerts(alertmanagerBody([{ hostname: 'vm-zeimu01', alertname: 'HostDown', summary: '税務システムのVMが応答しません' }]));
    expect(accepted.status).toBe(202);
    const [result] = accepted.body.results;
    expect(result).toMatchObject({ hostname: 'vm-zeimu01', alertName: 'HostDown', joined: false });
    expect(result.caseNumber).toMatch(/^INC-\d{4}-\d{4}$/);
    const number = result.caseNumber as string;

    // 1. Received: general affairs is e-mailed at once, in Japanese, with the case number.
    const [received] = await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('障害を受け付けました'));
    expect(received.to).toContain('soumu@example.lg.jp');
    expect(received.text).toContain('vm-zeimu01');
    let detail = await flow.caseDetail(number);
    expect(detail).toMatchObject({ status: 'received', kind: 'incident', hostname: 'vm-zeimu01', severity: 'critical', unregisteredDevice: false });
    expect(detail.sla).toMatchObject({ kind: 'onsite' });

    // 2. The operator is on site: 対応中, the on-site SLA stops.
    await flow.complete(number, 'acknowledge', 'op1', { outcome: 'on_site' });
    detail = await flow.caseDetail(number);
    expect(detail.status).toBe('in_progress');
    expect(detail.assignee).toBe('運用 一郎');
    expect(detail.sla.stoppedAt).not.toBeNull();

    // 3. Triage: needs the maker's desk.
    await flow.complete(number, 'triage', 'op1', {
      outcome: 'needs_vendor', data: { findings: 'ESXiホストのNIC故障', impactScope: '税務システム全体', serviceStopped: true },
    });
    // 4. Vendor escalation: general affairs and the maker's desk (from the inventory) are e-mailed.
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('メーカー保守窓口へ修理を依頼しました'));
    const [vendorMail] = await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('修理対応のお願い'));
    expect(vendorMail.to.some((address) => address.endsWith('.example.jp'))).toBe(true);
    const note = await flow.as('op1', 'POST', `/api/cases/${number}/notes`, { text: '部品を発送済み、明日交換予定', vendorProgress: true });
    expect(note.status).toBe(201);
    const call = await flow.as('op1', 'POST', `/api/cases/${number}/contacts`, {
      channel: 'phone', counterpartKind: 'vendor', counterpart: 'メーカー保守窓口 山田様', summary: '交換作業は10時開始', sendReport: true,
    });
    expect(call.status).toBe(201);
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('電話連絡の内容'));
    await flow.complete(number, 'vendor_repair', 'op1', { outcome: 'repaired', data: { summary: 'NIC交換済み' } });

    // 5. Platform verified; general affairs hears it has recovered.
    await flow.complete(number, 'verify_platform', 'op2', { outcome: 'ok' });
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('基盤の動作が回復しました'));

    // 6. Departments verify (preselected from the inventory).
    const request = await flow.openTask(number, 'request_department_verification');
    expect(request.suggested.departmentIds).toHaveLength(1);
    await flow.complete(number, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds: request.suggested.departmentIds } });
    expect((await flow.caseDetail(number)).status).toBe('verifying');
    const [verifyMail] = await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('動作確認のお願い'));
    expect(verifyMail.to).toContain('zeimu@example.lg.jp');
    const wrongDept = await flow.as('dept2', 'GET', `/api/cases/${number}`);
    expect(wrongDept.status).toBe(403);
    await flow.complete(number, 'department_verification', 'dept1', { outcome: 'ok' });

    // 7. Approval: 完了, approver and completion date recorded, everyone e-mailed.
    await flow.complete(number, 'approve_completion', 'ga1', { outcome: 'approved' });
    detail = await flow.waitForStatus(number, 'done');
    expect(detail.record).toMatchObject({ subject: 'HostDown: vm-zeimu01', assignee: '運用 一郎', status: 'done', approver: '総務 花子' });
    expect(detail.record.impact).toMatchObject({ scope: '税務システム全体', serviceStopped: true, severity: 'critical' });
    expect(detail.record.completedAt).not.toBeNull();
    expect(detail.record.occurredAt).toBeTruthy();
    expect(detail.openTasks).toHaveLength(0);
    const [done] = await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('対応が完了しました'));
    expect(done.to).toEqual(expect.arrayContaining(['soumu@example.lg.jp', 'op1@ops-contractor.example.jp', 'zeimu@example.lg.jp']));
    // Its evidence is written once the SMTP server has accepted it.
    for (let i = 0; i < 50 && !detail.timeline.some((e: any) => e.kind === 'email' && e.data.subject.includes('対応が完了しました')); i++) {
      await new Promise((r) => setTimeout(r, 100));
      detail = await flow.caseDetail(number);
    }

    // The timeline is in time order and holds the e-mails with their Message-IDs.
    const times = detail.timeline.map((e: any) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const mails = detail.timeline.filter((e: any) => e.kind === 'email');
    expect(mails.length).toBeGreaterThanOrEqual(7);
    expect(mails.every((e: any) => /^<.+@.+>$/.test(e.data.messageId))).toBe(true);
    const steps = detail.timeline.filter((e: any) => e.kind === 'task_completed').map((e: any) => e.data.type);
    expect(steps).toEqual(['acknowledge', 'triage', 'vendor_repair', 'verify_platform', 'request_department_verification', 'department_verification', 'approve_completion']);
    expect(detail.timeline.some((e: any) => e.kind === 'phone')).toBe(true);

    // Temporal's visibility finds it by the search attributes.
    const client = system.app.get(Client);
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = [];
      // Other test files share the server and number their cases from 0001 too: scope to this file's queue.
      for await (const wf of client.workflow.list({ query: `OpsCaseNumber = '${number}' AND OpsStatus = 'done' AND OpsCaseKind = 'incident' AND TaskQueue = '${system.config.temporal.taskQueue}'` })) found.push(wf.workflowId);
      if (!found.length) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toEqual([detail.workflowId]);
  });

  test('R-FLOW-1: two simultaneous duplicate alerts open one incident, the second joins it', async () => {
    const body = alertmanagerBody([{ hostname: 'db01', alertname: 'PostgresDown', severity: 'major' }]);
    const [first, second] = await Promise.all([postAlerts(body), postAlerts(body)]);
    const results = [first.body.results[0], second.body.results[0]];
    expect(results[0].caseNumber).toBe(results[1].caseNumber);
    expect(results.map((r) => r.joined).sort()).toEqual([false, true]);
    // The joining alert is a signal: accepted at once, on the case record when the workflow has taken it.
    const detail = await eventually('both alerts on the case record', async () => {
      const d = await flow.caseDetail(results[0].caseNumber);
      return d.alertCount === 2 ? d : undefined;
    }, 10_000);
    expect(detail.alertCount).toBe(2);
    // A resolved alert is recorded, it does not close the incident.
    const resolved = await postAlerts(alertmanagerBody([{ hostname: 'db01', alertname: 'PostgresDown', status: 'resolved' }]));
    expect(resolved.body.results[0]).toMatchObject({ joined: true, caseNumber: results[0].caseNumber });
    const after = await flow.caseDetail(results[0].caseNumber);
    expect(after.status).toBe('received');
  });

  test('R-FLOW-1: a sender that resends a request with the same Idempotency-Key (it lost the answer) is counted once', async () => {
    const body = alertmanagerBody([{ hostname: 'stor01', alertname: 'ArrayDegraded', severity: 'major' }, { hostname: 'stor01', alertname: 'FanFailed', severity: 'minor' }]);
    const send = () => system.request('POST', '/api/alerts', { body, headers: { authorization: `Bearer ${alertToken}`, 'idempotency-key': 'am-2026-12-06/42' } });
    const first = await send();
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: 2, queued: 0 });
    expect(first.body.results.map((r: any) => r.duplicate ?? false)).toEqual([false, false]);
    const again = await send();
    expect(again.status).toBe(202);
    expect(again.body.results.map((r: any) => [r.duplicate, r.alertId, r.caseNumber])).toEqual(first.body.results.map((r: any) => [true, r.alertId, r.caseNumber]));
    const number = first.body.results[0].caseNumber as string;
    expect((await flow.caseDetail(number)).alertCount).toBe(1);
    // Another key is another request: it joins the incident.
    const other = await system.request('POST', '/api/alerts', { body, headers: { authorization: `Bearer ${alertToken}`, 'idempotency-key': 'am-2026-12-06/43' } });
    expect(other.body.results[0]).toMatchObject({ joined: true, caseNumber: number });
    expect((await system.request('POST', '/api/alerts', { body, headers: { authorization: `Bearer ${alertToken}`, 'idempotency-key': 'x'.repeat(201) } })).body).toMatchObject({ statusCode: 400, field: 'Idempotency-Key' });
  });

  test('an unknown hostname still opens an incident, flagged as an unregistered device', async () => {
    const response = await postAlerts({ source: 'zabbix', hostname: 'mystery-box', alertName: 'PingLoss', severity: 'warning', summary: 'ping応答なし', detectedAt: new Date().toISOString() });
    expect(response.status).toBe(202);
    const detail = await flow.caseDetail(response.body.results[0].caseNumber);
    expect(detail.unregisteredDevice).toBe(true);
    const [mail] = await system.smtp.waitFor((m) => m.subject.includes(detail.number));
    expect(mail.text).toContain('mystery-box');
  });

  test('alerts need an alert-source token, not a user token, and a bad body names the field', async () => {
    const userToken = await flow.token('ga1');
    expect((await postAlerts(alertmanagerBody([{ hostname: 'esx01', alertname: 'X' }]), userToken)).status).toBe(401);
    const bad = await postAlerts({ version: '4', alerts: [{ status: 'firing', labels: {} }] });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toMatch(/alerts\[0\]/);
  });

  test('task completion: wrong role 403, unknown outcome 422 naming the field, done task 409', async () => {
    const manual = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'esx02', subject: '税務課より電話: 画面が遅い', summary: '10時頃から', severity: 'minor' });
    expect(manual.status).toBe(201);
    const number = manual.body.caseNumber;
    const task = await flow.openTask(number, 'acknowledge', 'op1');
    const wrongRole = await flow.as('ga1', 'POST', `/api/tasks/${task.id}/complete`, { outcome: 'on_site' });
    expect(wrongRole.status).toBe(403);
    const badOutcome = await flow.as('op1', 'POST', `/api/tasks/${task.id}/complete`, { outcome: 'finished' });
    expect(badOutcome).toMatchObject({ status: 422, body: { field: 'outcome' } });
    expect((await flow.as('op1', 'POST', `/api/tasks/${task.id}/complete`, { outcome: 'on_site' })).status).toBe(200);
    const again = await flow.as('op2', 'POST', `/api/tasks/${task.id}/complete`, { outcome: 'on_site' });
    expect(again.status).toBe(409);
    const triage = await flow.openTask(number, 'triage', 'op1');
    const missing = await flow.as('op1', 'POST', `/api/tasks/${triage.id}/complete`, { outcome: 'resolved', data: { findings: 'x' } });
    expect(missing).toMatchObject({ status: 422, body: { field: 'data.impactScope' } });
    // Nothing was written for the refused attempts.
    const detail = await flow.caseDetail(number);
    expect(detail.timeline.filter((e: any) => e.kind === 'task_completed')).toHaveLength(1);
  });

  test('R-FLOW-1: a worker stopped in the middle and started again finishes the incident with no step done twice', async () => {
    const response = await postAlerts({ source: 'zabbix', hostname: 'stor01', alertName: 'DiskFailure', severity: 'major', summary: 'RAIDの縮退', detectedAt: new Date().toISOString() });
    const number = response.body.results[0].caseNumber as string;
    await flow.complete(number, 'acknowledge', 'op1', { outcome: 'on_site' });
    await flow.openTask(number, 'triage', 'op1');

    await system.stopWorker();
    // While no worker runs, nothing can be completed, and nothing is lost.
    expect((await flow.caseDetail(number)).status).toBe('in_progress');
    await system.startWorker();

    await flow.complete(number, 'triage', 'op1', { outcome: 'resolved', data: { findings: 'ディスク交換', impactScope: 'なし', serviceStopped: false } });
    await flow.complete(number, 'verify_platform', 'op1', { outcome: 'ok' });
    const request = await flow.openTask(number, 'request_department_verification');
    await flow.complete(number, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds: request.suggested.departmentIds } });
    // stor01 serves two departments: both verify.
    await flow.complete(number, 'department_verification', 'dept1', { outcome: 'ok' });
    await flow.complete(number, 'department_verification', 'dept2', { outcome: 'ok' });
    await flow.complete(number, 'approve_completion', 'ga1', { outcome: 'approved' });
    const detail = await flow.waitForStatus(number, 'done');
    const steps = detail.timeline.filter((e: any) => e.kind === 'task_completed').map((e: any) => e.data.type);
    expect(steps).toEqual(['acknowledge', 'triage', 'verify_platform', 'request_department_verification', 'department_verification', 'department_verification', 'approve_completion']);
    const keys = detail.timeline.map((e: any) => e.id);
    expect(new Set(keys).size).toBe(keys.length);
    const received = system.smtp.messages.filter((m) => m.subject.includes(number) && m.subject.includes('障害を受け付けました'));
    expect(received).toHaveLength(1);
  });

  test('the inbox and the case list carry what a screen needs: case subject, status and SLA; several statuses at once', async () => {
    const response = await postAlerts({ source: 'zabbix', hostname: 'fw01', alertName: 'ConfigDrift', severity: 'minor', summary: '設定差分', detectedAt: new Date().toISOString() });
    const number = response.body.results[0].caseNumber as string;
    await flow.openTask(number, 'acknowledge', 'op1');
    const inbox = await flow.as('op1', 'GET', '/api/tasks?mine=true');
    const task = inbox.body.items.find((t: any) => t.caseNumber === number);
    expect(task).toMatchObject({ type: 'acknowledge', case: { subject: 'ConfigDrift: fw01', status: 'received', breached: false } });
    expect(task.case.sla).toMatchObject({ kind: 'onsite' });
    const open = await flow.as('ga1', 'GET', '/api/cases?status=received,in_progress&kind=incident');
    expect(open.status).toBe(200);
    expect(open.body.items.map((c: any) => c.status).every((s: string) => s === 'received' || s === 'in_progress')).toBe(true);
    expect(open.body.items.find((c: any) => c.number === number)).toMatchObject({ nextRole: 'operator', sla: { kind: 'onsite' } });
    expect((await flow.as('ga1', 'GET', '/api/cases?status=received,closed')).body.field).toBe('status');
    expect((await system.request('GET', '/api/meta')).status).toBe(200);
  });
});
