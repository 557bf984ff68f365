/**
 * The scripted runs whose workflow histories are committed under test/histories/ and replayed by
 * `npm test` (test/replay/replay-histories.test.ts). `npm run histories:capture` runs them
 * (scripts/capture-histories.ts). Two kinds:
 *   - through the API on a real dev server (the way users drive a case), and
 *   - on Temporal's time-skipping test server, for the paths where hours or weeks must pass
 *     (an SLA breach, a maintenance announced a month ahead).
 * Each scenario returns the workflow it drove, once that workflow has closed.
 */
import { Client, type WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { startWorkflow } from '../../src/temporal/typed-workflows';
import { alertmanagerBody, FlowDriver } from '../support/flow';
import type { TestSystem } from '../support/test-system';
import { DAY_MS, HOUR_MS, MINUTE_MS, jstDate, jstInstant, referenceBusinessDay, weekdayOf, type TimeSkippingSystem } from '../support/time-skipping';

export interface CapturedRun {
  client: Client;
  workflowId: string;
  runId: string;
}

export interface Scenario {
  name: string;
  description: string;
  server: 'dev-server' | 'time-skipping';
  run(context: { api?: TestSystem; ts?: TimeSkippingSystem }): Promise<CapturedRun>;
}

/** The run of a workflow once it has closed (a failed run is a history too). */
async function closedRun(client: Client, handle: WorkflowHandle, failureExpected = false): Promise<CapturedRun> {
  await (failureExpected ? handle.result().catch(() => undefined) : handle.result());
  const { runId } = await handle.describe();
  return { client, workflowId: handle.workflowId, runId };
}

async function closedCase(system: TestSystem, flow: FlowDriver, caseNumber: string): Promise<CapturedRun> {
  const detail = await flow.waitForStatus(caseNumber, 'done', 30_000);
  const client = system.app.get(Client);
  return closedRun(client, client.workflow.getHandle(detail.workflowId));
}

async function finishIncident(flow: FlowDriver, number: string, approver = 'ga1'): Promise<void> {
  const request = await flow.openTask(number, 'request_department_verification');
  const departmentIds: string[] = request.suggested.departmentIds;
  await flow.complete(number, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds } });
  const verifiers = departmentIds.length > 1 ? ['dept1', 'dept2'] : ['dept1'];
  for (const user of verifiers) await flow.complete(number, 'department_verification', user, { outcome: 'ok' });
  await flow.complete(number, 'approve_completion', approver, { outcome: 'approved' });
}

/**
 * The execution step: by hand (execute_work), or already done by the automated operation of the
 * request type (R-OP-1..9), in which case the flow waits at verify_work; when the automation
 * failed (execution_failed), the operator abandons it and does the work by hand.
 */
/** General affairs asks the departments the workflow suggests; dept1 answers. */
async function departmentVerifies(flow: FlowDriver, number: string, answer: { outcome: string; note?: string }): Promise<void> {
  const { departmentIds } = (await flow.openTask(number, 'request_department_verification')).suggested;
  await flow.complete(number, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds } });
  await flow.complete(number, 'department_verification', 'dept1', answer);
}

async function executeWork(flow: FlowDriver, number: string, user: string, result: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const open = (await flow.as(user, 'GET', `/api/tasks?state=open&caseId=${number}`)).body?.items ?? [];
    if (open.some((t: { type: string }) => t.type === 'execute_work')) {
      await flow.complete(number, 'execute_work', user, { outcome: 'done', data: { result } });
      return;
    }
    if (open.some((t: { type: string }) => t.type === 'verify_work')) return;
    if (open.some((t: { type: string }) => t.type === 'execution_failed')) {
      await flow.complete(number, 'execution_failed', user, { outcome: 'abandon', note: '自動実行を中止し手作業で実施' });
      continue;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${number}: neither execute_work nor verify_work opened within 30 s`);
}

async function executeWorkTs(sys: TimeSkippingSystem, handle: WorkflowHandle, result: string): Promise<void> {
  // An automated operation may wait on timers of its own: let the clock move while it runs.
  for (let i = 0; i < 30; i++) {
    const state = await sys.state(handle);
    if (state.openTasks.some((t) => t.type === 'execute_work')) {
      await sys.complete(handle, 'execute_work', sys.actors.op1, 'done', { result });
      return;
    }
    if (state.openTasks.some((t) => t.type === 'verify_work')) return;
    if (state.openTasks.some((t) => t.type === 'execution_failed')) {
      await sys.complete(handle, 'execution_failed', sys.actors.op1, 'abandon', undefined, '自動実行を中止し手作業で実施');
      continue;
    }
    await sys.advanceBy(MINUTE_MS);
    await sys.settle(handle);
  }
  throw new Error(`${handle.workflowId}: neither execute_work nor verify_work opened`);
}

const triageResolved = { outcome: 'resolved', data: { findings: 'サービス再起動で復旧', impactScope: '税務システム', serviceStopped: false } };

async function backupRun(api: TestSystem, targetName: string, withPolicy: boolean): Promise<CapturedRun> {
  const client = api.app.get(Client);
  if (withPolicy) {
    // What configuring backups (R-OP-8) leaves behind: an active policy for the target.
    const pg = new PgClient({ connectionString: api.config.databaseUrl });
    await pg.connect();
    try {
      await pg.query(
        `insert into backup_policy (id, target_kind, target_name, cron, retention_days, schedule_id, active, configured_by, created_at, updated_at)
         select gen_random_uuid(), 'vm', $1::text, '0 2 * * *', 7, 'capture-' || $1::text, true, 'histories:capture', now(), now()
         where not exists (select 1 from backup_policy where target_kind = 'vm' and target_name = $1::text)`,
        [targetName],
      );
    } finally {
      await pg.end();
    }
  }
  const handle = await client.workflow.start('backupWorkflow', {
    workflowId: `backup:vm:${targetName}:capture-${randomUUID()}`, taskQueue: api.config.temporal.taskQueue, args: [{ targetKind: 'vm', targetName }],
  });
  return closedRun(client, handle, true);
}

/** R-DESK-1: the inquiry scenarios (issue 18). */
async function ackInquiry(flow: FlowDriver, number: string): Promise<void> {
  await flow.complete(number, 'inquiry_acknowledge', 'op1', { outcome: 'acknowledged' });
}

/** An inquiry a vendor phones in, which the desk acknowledges and converts into a major incident (R-DESK-1). */
async function inquiryConvertedToIncident(flow: FlowDriver, inquiry: Record<string, unknown>): Promise<string> {
  const created = await flow.as('op1', 'POST', '/api/inquiries', inquiry);
  expect200(created);
  const number = created.body.caseNumber as string;
  await ackInquiry(flow, number);
  await flow.complete(number, 'inquiry_respond', 'op1', { outcome: 'convert_incident', data: { severity: 'major' } });
  return number;
}

export const API_SCENARIOS: Scenario[] = [
  {
    name: 'inquiry-escalated-reopened-answered',
    description: 'R-DESK-1: a department asks (UI); the desk acknowledges and escalates to technical support with a reason, which answers; the asker reopens, the desk answers again and the asker confirms (askerAnswer Update).',
    server: 'dev-server',
    async run({ api }) {
      const system = api!;
      const flow = new FlowDriver(system);
      const created = await flow.as('dept1', 'POST', '/api/inquiries', { subject: '税務システムの帳票が遅い', text: '帳票の出力に5分かかります。', category: 'fault_report', affected: 'vm-zeimu01' });
      expect200(created);
      const number = created.body.caseNumber as string;
      await ackInquiry(flow, number);
      await flow.complete(number, 'inquiry_respond', 'op1', { outcome: 'escalate', note: 'DB側の調査が必要', data: { assignee: 'op2' } });
      await flow.complete(number, 'inquiry_technical', 'op2', { outcome: 'answer', data: { answer: '統計情報を更新しました。' } });
      await flow.openTask(number, 'inquiry_confirm', 'op1');
      expect200(await flow.as('dept1', 'POST', `/api/inquiries/${number}/confirm`, { outcome: 'reopened', note: 'まだ遅いです' }));
      await flow.complete(number, 'inquiry_respond', 'op1', { outcome: 'answer', data: { answer: 'インデックスを追加しました。' } });
      await flow.openTask(number, 'inquiry_confirm', 'op1');
      expect200(await flow.as('dept1', 'POST', `/api/inquiries/${number}/confirm`, { outcome: 'confirmed' }));
      return closedCase(system, flow, number);
    },
  },
  {
    name: 'inquiry-converted-incident',
    description: 'R-DESK-1: a vendor calls (phone); the desk acknowledges and converts the inquiry into an incident, which links back.',
    server: 'dev-server',
    async run({ api }) {
      const system = api!;
      const flow = new FlowDriver(system);
      const number = await inquiryConvertedToIncident(flow, { subject: '住民記録システムに接続できない', text: '全端末で接続エラー', category: 'fault_report', affected: 'vm-shimin01', askerName: '保守ベンダー 佐藤', askerEmail: 'sato@vendor.example.jp' });
      return closedCase(system, flow, number);
    },
  },
  {
    name: 'incident-followed-from-inquiry',
    description: 'R-DESK-1 / R-CONTACT-1: an inquiry converted into an incident; the asker follows it — mailed when it opens, when the platform is verified and when it closes, each step noted on the inquiry.',
    server: 'dev-server',
    async run({ api }) {
      const system = api!;
      const flow = new FlowDriver(system);
      const inquiry = await inquiryConvertedToIncident(flow, { subject: '帳票サーバーに接続できない', text: '朝から接続エラー', category: 'fault_report', affected: 'vm-zeimu01', askerName: '帳票ベンダー 木村', askerEmail: 'kimura@vendor.example.jp' });
      await flow.waitForStatus(inquiry, 'done', 30_000);
      const number = (await flow.as('op1', 'GET', `/api/inquiries/${inquiry}`)).body.links[0].caseNumber as string;
      await flow.complete(number, 'acknowledge', 'op1', { outcome: 'on_site' });
      await flow.complete(number, 'triage', 'op1', triageResolved);
      await flow.complete(number, 'verify_platform', 'op1', { outcome: 'ok' });
      await finishIncident(flow, number);
      return closedCase(system, flow, number);
    },
  },
  {
    name: 'inquiry-linked',
    description: 'R-DESK-1: an inquiry about a known problem: a link to an unknown number is refused on the timeline, then it is linked to the open incident.',
    server: 'dev-server',
    async run({ api }) {
      const system = api!;
      const flow = new FlowDriver(system);
      const incident = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'vm-zeimu01', subject: '税務システム停止', summary: '監視で検知', severity: 'major' });
      expect200(incident);
      const created = await flow.as('op1', 'POST', '/api/inquiries', { subject: '税務システムが使えません', text: '画面が開きません', category: 'question', askerName: '税務課 田中' });
      expect200(created);
      const number = created.body.caseNumber as string;
      await ackInquiry(flow, number);
      await flow.complete(number, 'inquiry_respond', 'op1', { outcome: 'link', data: { caseNumber: 'INC-2099-9999' } });
      await flow.complete(number, 'inquiry_respond', 'op1', { outcome: 'link', data: { caseNumber: incident.body.caseNumber } });
      return closedCase(system, flow, number);
    },
  },
  {
    name: 'report-sent-back-approved',
    description: 'R-RPT-1..5: general affairs asks for last month\'s report; the operators write the comments (所見), general affairs sends it back with a reason, the operators write them again and general affairs approves; the final files are mailed.',
    server: 'dev-server',
    async run({ api }) {
      const system = api!;
      const [ga, op] = await Promise.all([system.login('ga1'), system.login('op1')]);
      const started = await system.request('POST', '/api/reports/monthly', { token: ga, body: { month: '2026-10' } });
      expect200(started);
      const reportId = started.body.reportId as string;
      const reportIn = async (status: string) => {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const r = await system.request('GET', `/api/reports/monthly/${reportId}`, { token: ga });
          if (r.status === 200 && r.body.status === status && (status !== 'commenting' || r.body.openTask?.type === 'report_comments')) return;
          if (Date.now() > deadline) throw new Error(`report ${reportId} is ${r.body?.status}, not ${status}`);
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      };
      const comments = { vms: '停止はありません。', platform: '障害1件（現地対応）。', capacity: 'メモリ増設を提案します。', work: '作業依頼はすべて期限内です。', open_issues: '持ち越しはありません。' };
      await reportIn('commenting');
      expect200(await system.request('POST', `/api/reports/monthly/${reportId}/comments`, { token: op, body: { comments } }));
      expect200(await system.request('POST', `/api/reports/monthly/${reportId}/decision`, { token: ga, body: { outcome: 'send_back', reason: '容量の所見に対策の時期を書いてください' } }));
      await reportIn('commenting');
      expect200(await system.request('POST', `/api/reports/monthly/${reportId}/comments`, { token: op, body: { comments: { ...comments, capacity: 'メモリ増設を来年4月までに提案します。' } } }));
      expect200(await system.request('POST', `/api/reports/monthly/${reportId}/decision`, { token: ga, body: { outcome: 'approve' } }));
      const client = system.app.get(Client);
      return closedRun(client, client.workflow.getHandle(started.body.workflowId as string));
    },
  },
  {
    name: 'report-scheduled-run',
    description: 'R-RPT-1..5: the monthly Schedule\'s run asks the business calendar whether today is the first business day of the month (the Schedule fires on days 1–10).',
    server: 'dev-server',
    async run({ api }) {
      const client = api!.app.get(Client);
      const handle = await startWorkflow(client, 'monthlyReportScheduleWorkflow', { workflowId: `monthly-report-schedule:capture-${randomUUID()}`, taskQueue: api!.config.temporal.taskQueue, args: [{}] });
      return closedRun(client, handle);
    },
  },
  {
    name: 'report-daily-figures',
    description: 'R-RPT-1/2: the nightly gathering of a day\'s availability figures (here without Prometheus, which the figures record).',
    server: 'dev-server',
    async run({ api }) {
      const client = api!.app.get(Client);
      const handle = await startWorkflow(client, 'dailyFiguresWorkflow', { workflowId: `daily-figures:capture-${randomUUID()}`, taskQueue: api!.config.temporal.taskQueue, args: [{ day: '2026-10-15' }] });
      return closedRun(client, handle);
    },
  },
  {
    name: 'backup-vm-completed',
    description: 'R-SCHED-2 / R-OP-8: one scheduled backup of a VM (as its Temporal Schedule starts it): taken into the catalog, old backups pruned.',
    server: 'dev-server',
    run: ({ api }) => backupRun(api!, 'vm-zeimu01', true),
  },
  {
    name: 'backup-failure-notified',
    description: 'R-SCHED-2: a scheduled backup of a VM that does not exist fails; the operators are e-mailed and the run fails (so the schedule shows it).',
    server: 'dev-server',
    run: ({ api }) => backupRun(api!, 'vm-does-not-exist', false),
  },
  {
    name: 'incident-alert-resolved-on-site',
    description: 'An Alertmanager alert opens the incident, a duplicate joins it and a resolved alert is logged (signals); resolved on site, verified by the department, approved.',
    server: 'dev-server',
    async run({ api }) {
      const flow = new FlowDriver(api!);
      const post = (body: unknown) => api!.request('POST', '/api/alerts', { body, headers: { authorization: 'Bearer opsdesk-demo-alerts' } });
      const firing = await post(alertmanagerBody([{ hostname: 'vm-zeimu01', alertname: 'HostDown', summary: '税務システムのVMが応答しません' }]));
      const number = firing.body.results[0].caseNumber as string;
      await post(alertmanagerBody([{ hostname: 'vm-zeimu01', alertname: 'HostDown', summary: '再通知' }]));
      await flow.complete(number, 'acknowledge', 'op1', { outcome: 'on_site' });
      await post(alertmanagerBody([{ hostname: 'vm-zeimu01', alertname: 'HostDown', status: 'resolved' }]));
      await flow.complete(number, 'triage', 'op1', triageResolved);
      await flow.complete(number, 'verify_platform', 'op1', { outcome: 'ok' });
      await finishIncident(flow, number);
      return closedCase(api!, flow, number);
    },
  },
  {
    name: 'incident-vendor-escalation-hold-resume',
    description: "Triage needs the maker's desk: escalation and vendor e-mails, a vendor-progress note (vendorContacted signal), the case held waiting for the vendor and resumed, repaired, verified, approved.",
    server: 'dev-server',
    async run({ api }) {
      const flow = new FlowDriver(api!);
      const created = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'esx01', subject: 'ESXiホストのNIC障害', summary: '監視でリンクダウンを検知', severity: 'major' });
      const number = created.body.caseNumber as string;
      await flow.complete(number, 'acknowledge', 'op1', { outcome: 'on_site' });
      await flow.complete(number, 'triage', 'op1', { outcome: 'needs_vendor', data: { findings: 'NIC故障', impactScope: '税務・住民記録システム', serviceStopped: true } });
      await flow.openTask(number, 'vendor_repair', 'op1');
      expect200(await flow.as('op1', 'POST', `/api/cases/${number}/notes`, { text: '部品を発送済み', vendorProgress: true }));
      expect200(await flow.as('op1', 'POST', `/api/cases/${number}/hold`, { reason: 'メーカーの部品到着待ち', waitingFor: 'vendor' }));
      expect200(await flow.as('op1', 'POST', `/api/cases/${number}/resume`, { reason: '部品到着' }));
      await flow.complete(number, 'vendor_repair', 'op1', { outcome: 'repaired', data: { vendorTicket: 'V-1234', summary: 'NIC交換' } });
      await flow.complete(number, 'verify_platform', 'op2', { outcome: 'ok' });
      await finishIncident(flow, number);
      return closedCase(api!, flow, number);
    },
  },
  {
    name: 'incident-rejection-loops',
    description: 'Every way back: the platform check fails (back to triage), a department reports a problem (back to triage), the approver rejects (back to the platform check); then closed.',
    server: 'dev-server',
    async run({ api }) {
      const flow = new FlowDriver(api!);
      const created = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'vm-zeimu01', subject: '税務システムの画面が遅い', summary: '税務課より電話', severity: 'minor' });
      const number = created.body.caseNumber as string;
      await flow.complete(number, 'acknowledge', 'op1', { outcome: 'on_site' });
      await flow.complete(number, 'triage', 'op1', triageResolved);
      await flow.complete(number, 'verify_platform', 'op1', { outcome: 'not_ok', note: '応答が依然として遅い' });
      await flow.complete(number, 'triage', 'op1', { outcome: 'resolved', data: { findings: 'メモリ不足を解消', impactScope: '税務システム', serviceStopped: false } });
      await flow.complete(number, 'verify_platform', 'op1', { outcome: 'ok' });
      await departmentVerifies(flow, number, { outcome: 'not_ok', note: '帳票出力が失敗する' });
      await flow.complete(number, 'triage', 'op2', { outcome: 'resolved', data: { findings: '帳票サーバの再起動', impactScope: '税務システム', serviceStopped: false } });
      await flow.complete(number, 'verify_platform', 'op2', { outcome: 'ok' });
      await departmentVerifies(flow, number, { outcome: 'ok' });
      await flow.complete(number, 'approve_completion', 'ga1', { outcome: 'rejected', note: '原因の記載が不十分' });
      await flow.complete(number, 'verify_platform', 'op2', { outcome: 'ok', note: '原因: 帳票サーバのメモリリーク' });
      await finishIncident(flow, number);
      return closedCase(api!, flow, number);
    },
  },
  {
    name: 'work-request-completed-hold-resume',
    description: 'Submitted by a department, accepted (SLA starts), held waiting for the requester (SLA paused) and resumed, planned, confirmed, executed at the planned time (durable timer), verified, approved.',
    server: 'dev-server',
    async run({ api }) {
      const flow = new FlowDriver(api!);
      const submitted = await flow.as('dept1', 'POST', '/api/work-requests', {
        type: 'vm.provision', subject: '税務システム検証用VMの払出し', note: '年内に必要です',
        params: { vmName: 'vm-zeimu-test', cpu: 2, memoryGiB: 8, diskGiB: 100, os: 'rhel9', businessSystem: '税務システム' },
      });
      const number = submitted.body.caseNumber as string;
      await flow.complete(number, 'accept_request', 'ga1', { outcome: 'accepted' });
      expect200(await flow.as('op1', 'POST', `/api/cases/${number}/hold`, { reason: '設置場所を確認中', waitingFor: 'requester' }));
      expect200(await flow.as('op1', 'POST', `/api/cases/${number}/resume`, { reason: '回答あり' }));
      const start = new Date(Date.now() + 1500).toISOString();
      const end = new Date(Date.now() + HOUR_MS).toISOString();
      await flow.complete(number, 'plan_work', 'op1', { outcome: 'planned', data: { plannedStart: start, plannedEnd: end, content: 'VM作成、IP払出し、監視登録', stopsService: false } });
      await flow.complete(number, 'confirm_plan', 'ga1', { outcome: 'confirmed' });
      await executeWork(flow, number, 'op1', 'vm-zeimu-test を作成');
      await flow.complete(number, 'verify_work', 'op1', { outcome: 'ok' });
      await departmentVerifies(flow, number, { outcome: 'ok' });
      await flow.complete(number, 'approve_completion', 'ga1', { outcome: 'approved' });
      return closedCase(api!, flow, number);
    },
  },
  {
    name: 'work-request-rejection-loops',
    description: 'The plan sent back for revision, the work verified as not working (redone), a department reports a problem (redone), the approver rejects (verified again); then approved.',
    server: 'dev-server',
    async run({ api }) {
      const flow = new FlowDriver(api!);
      const submitted = await flow.as('dept1', 'POST', '/api/work-requests', { type: 'db.provide', subject: '検証用DBの提供', params: { databaseName: 'zeimu_test', sizeClass: 'small', businessSystem: '税務システム' } });
      const number = submitted.body.caseNumber as string;
      await flow.complete(number, 'accept_request', 'ga1', { outcome: 'accepted' });
      const plan = () => ({ outcome: 'planned', data: { plannedStart: new Date(Date.now() + 1000).toISOString(), plannedEnd: new Date(Date.now() + HOUR_MS).toISOString(), content: 'DB作成', stopsService: false } });
      await flow.complete(number, 'plan_work', 'op1', plan());
      await flow.complete(number, 'confirm_plan', 'ga1', { outcome: 'revise', note: 'バックアップ設定を含めてください' });
      await flow.complete(number, 'plan_work', 'op1', plan());
      await flow.complete(number, 'confirm_plan', 'ga1', { outcome: 'confirmed' });
      await executeWork(flow, number, 'op1', 'DB作成');
      await flow.complete(number, 'verify_work', 'op1', { outcome: 'not_ok', note: '接続できない' });
      await executeWork(flow, number, 'op1', 'pg_hba を修正');
      await flow.complete(number, 'verify_work', 'op1', { outcome: 'ok' });
      await departmentVerifies(flow, number, { outcome: 'not_ok', note: '権限が不足' });
      await executeWork(flow, number, 'op2', '権限を付与');
      await flow.complete(number, 'verify_work', 'op2', { outcome: 'ok' });
      await departmentVerifies(flow, number, { outcome: 'ok' });
      await flow.complete(number, 'approve_completion', 'ga1', { outcome: 'rejected', note: '作業記録が不足' });
      await flow.complete(number, 'verify_work', 'op2', { outcome: 'ok', note: '作業記録を追記' });
      await departmentVerifies(flow, number, { outcome: 'ok' });
      await flow.complete(number, 'approve_completion', 'ga1', { outcome: 'approved' });
      return closedCase(api!, flow, number);
    },
  },
  {
    name: 'work-request-returned-resubmitted-rejected',
    description: 'Returned for more information, edited and resubmitted by the department, then rejected with a reason.',
    server: 'dev-server',
    async run({ api }) {
      const flow = new FlowDriver(api!);
      const submitted = await flow.as('dept1', 'POST', '/api/work-requests', { type: 'db.provide', subject: 'DB提供', params: { databaseName: 'zeimu_test', sizeClass: 'small', businessSystem: '税務' } });
      const number = submitted.body.caseNumber as string;
      await flow.complete(number, 'accept_request', 'ga1', { outcome: 'returned', note: '用途を記載してください' });
      await flow.complete(number, 'resubmit_request', 'dept1', { outcome: 'resubmitted', data: { subject: 'DB提供（税務システム検証用）', params: { databaseName: 'zeimu_test', sizeClass: 'medium', businessSystem: '税務システム' } } });
      await flow.complete(number, 'accept_request', 'ga1', { outcome: 'rejected', note: '既存DBで対応可能なため' });
      return closedCase(api!, flow, number);
    },
  },
  {
    name: 'work-request-returned-withdrawn',
    description: 'Returned for more information, then withdrawn by the department.',
    server: 'dev-server',
    async run({ api }) {
      const flow = new FlowDriver(api!);
      const submitted = await flow.as('dept2', 'POST', '/api/work-requests', { type: 'device.stop_start', subject: '住民記録サーバの再起動', params: { hostname: 'vm-shimin01', action: 'restart' } });
      const number = submitted.body.caseNumber as string;
      await flow.complete(number, 'accept_request', 'ga1', { outcome: 'returned', note: '希望日時を記載してください' });
      await flow.complete(number, 'resubmit_request', 'dept2', { outcome: 'withdrawn' });
      return closedCase(api!, flow, number);
    },
  },
];

function finished(ts: TimeSkippingSystem, handle: WorkflowHandle): Promise<CapturedRun> {
  return closedRun(ts.client, handle);
}

async function finishIncidentTs(ts: TimeSkippingSystem, handle: WorkflowHandle): Promise<void> {
  const { actors } = ts;
  await ts.complete(handle, 'triage', actors.op1, 'resolved', { findings: 'サービス再起動で復旧', impactScope: '税務システム', serviceStopped: false });
  await ts.complete(handle, 'verify_platform', actors.op1, 'ok');
  const request = await ts.openTask(handle, 'request_department_verification');
  const departmentIds = (request.suggested?.departmentIds as string[]) ?? [ts.departments.tax.id];
  await ts.complete(handle, 'request_department_verification', actors.ga1, 'requested', { departmentIds });
  for (const id of departmentIds) await ts.complete(handle, 'department_verification', id === ts.departments.tax.id ? actors.dept1 : actors.dept2, 'ok');
  await ts.complete(handle, 'approve_completion', actors.ga1, 'approved');
}

export const TIME_SKIPPING_SCENARIOS: Scenario[] = [
  {
    name: 'inquiry-desk-sla-breach',
    description: 'R-DESK-1: an inquiry mailed at 17:00 JST on a business day; nobody acknowledges: notices at 17:15 and 08:37:30, breach at 08:45 next business day; then acknowledged, answered, confirmed by the desk.',
    server: 'time-skipping',
    async run({ ts }) {
      const sys = ts!;
      const received = await sys.nextJst('17:00', (d) => referenceBusinessDay(d) && referenceBusinessDay(jstDate(new Date(jstInstant(`${d}T12:00`).getTime() + DAY_MS))));
      await sys.advanceTo(received);
      const intakeId = `capture-${randomUUID()}`;
      const handle = await startWorkflow(sys.client, 'inquiryWorkflow', {
        workflowId: `inquiry:capture:${intakeId}`, taskQueue: sys.taskQueue,
        args: [{ intakeId, subject: '帳票が出力できない', text: '住民税の帳票が出力できません', channel: 'mail', category: 'fault_report', affected: null, receivedAt: received.toISOString(), attachments: [],
          asker: { name: '田中 一郎', email: 'tanaka@vendor-a.example.jp', userId: null, departmentId: null, organisation: null } }],
      });
      await sys.openTask(handle, 'inquiry_acknowledge');
      await sys.advanceTo(new Date(received.getTime() + DAY_MS));
      await sys.settle(handle);
      await sys.complete(handle, 'inquiry_acknowledge', sys.actors.op1, 'acknowledged');
      await sys.complete(handle, 'inquiry_respond', sys.actors.op1, 'answer', { answer: '帳票サーバを再起動しました。' });
      await sys.complete(handle, 'inquiry_confirm', sys.actors.op2, 'confirmed', undefined, '電話で解決を確認');
      return finished(sys, handle);
    },
  },
  {
    name: 'incident-sla-breach',
    description: 'R-SLA-1: detected on a Tuesday at 10:00 JST inside reception hours; nobody arrives: 50 % and 75 % notices, breach at 12:00 (timers fire); on site at 12:30, then closed.',
    server: 'time-skipping',
    async run({ ts }) {
      const sys = ts!;
      const detected = await sys.nextJst('10:00', (d) => weekdayOf(d) === 2 && referenceBusinessDay(d));
      const at = (hhmm: string) => jstInstant(`${jstDate(detected)}T${hhmm}`);
      await sys.advanceTo(detected);
      const handle = await sys.startIncident({ detectedAt: detected.toISOString(), severity: 'major' });
      await sys.advanceTo(at('12:30'));
      await sys.settle(handle);
      await sys.complete(handle, 'acknowledge', sys.actors.op1, 'on_site');
      await finishIncidentTs(sys, handle);
      return finished(sys, handle);
    },
  },
  {
    name: 'incident-critical-out-of-hours',
    description: 'R-SLA-2: a critical fault at 20:00 JST on a business day: urgent consultation with general affairs (respond now), on-site due next business day 10:30; then closed.',
    server: 'time-skipping',
    async run({ ts }) {
      const sys = ts!;
      const detected = await sys.nextJst('20:00', (d) => weekdayOf(d) >= 1 && weekdayOf(d) <= 4 && referenceBusinessDay(d));
      await sys.advanceTo(detected);
      const handle = await sys.startIncident({ detectedAt: detected.toISOString(), severity: 'critical' });
      await sys.complete(handle, 'urgent_consultation', sys.actors.ga1, 'respond_now');
      await sys.advanceBy(30 * MINUTE_MS);
      await sys.complete(handle, 'acknowledge', sys.actors.op2, 'on_site');
      await finishIncidentTs(sys, handle);
      return finished(sys, handle);
    },
  },
  {
    name: 'work-request-maintenance',
    description: 'R-SCHED-1: a service-stopping maintenance confirmed more than a month ahead: the due date becomes the end of the window, department notices on confirmation, a week before and a day before (timers over weeks); executed in the window, verified, approved.',
    server: 'time-skipping',
    async run({ ts }) {
      const sys = ts!;
      const acceptAt = await sys.nextJst('10:00', (d) => weekdayOf(d) === 1 && referenceBusinessDay(d));
      const handle = await sys.startWorkRequest({ type: 'device.stop_start', subject: '仮想化基盤の計画停止', params: { hostname: 'esx01', action: 'restart' } });
      await sys.advanceTo(acceptAt);
      await sys.complete(handle, 'accept_request', sys.actors.ga1, 'accepted');
      const startDay = jstDate(new Date(acceptAt.getTime() + 40 * DAY_MS));
      const plannedStart = jstInstant(`${startDay}T18:00`);
      const plannedEnd = jstInstant(`${startDay}T21:00`);
      await sys.complete(handle, 'plan_work', sys.actors.op1, 'planned', {
        plannedStart: plannedStart.toISOString(), plannedEnd: plannedEnd.toISOString(), content: 'ESXiホストの再起動', stopsService: true,
      });
      await sys.complete(handle, 'confirm_plan', sys.actors.ga1, 'confirmed');
      await sys.advanceTo(plannedStart);
      await sys.settle(handle);
      await executeWorkTs(sys, handle, '再起動完了');
      await sys.complete(handle, 'verify_work', sys.actors.op1, 'ok');
      const request = await sys.openTask(handle, 'request_department_verification');
      await sys.complete(handle, 'request_department_verification', sys.actors.ga1, 'requested', { departmentIds: (request.suggested?.departmentIds) ?? [sys.departments.tax.id] });
      await sys.complete(handle, 'department_verification', sys.actors.dept1, 'ok');
      await sys.complete(handle, 'approve_completion', sys.actors.ga1, 'approved');
      return finished(sys, handle);
    },
  },
  {
    name: 'work-request-sla-breach-hold',
    description: 'R-SLA-3: accepted, held waiting for the requester for a day (the clock pauses), resumed; nobody plans the work: 50 %, 75 % notices and the breach; then planned, executed, approved.',
    server: 'time-skipping',
    async run({ ts }) {
      const sys = ts!;
      const acceptAt = await sys.nextJst('09:00', (d) => weekdayOf(d) === 1 && referenceBusinessDay(d));
      const handle = await sys.startWorkRequest();
      await sys.advanceTo(acceptAt);
      await sys.complete(handle, 'accept_request', sys.actors.ga1, 'accepted');
      await sys.advanceBy(HOUR_MS);
      await sys.hold(handle, sys.actors.op1, 'requester', '依頼元へ対象VM名を確認中');
      await sys.advanceBy(DAY_MS);
      await sys.resume(handle, sys.actors.op1, '回答を受領');
      const state = await sys.state(handle);
      await sys.advanceTo(new Date(Date.parse(state.sla!.dueAt) + HOUR_MS));
      await sys.settle(handle);
      const now = await sys.now();
      await sys.complete(handle, 'plan_work', sys.actors.op1, 'planned', {
        plannedStart: new Date(now.getTime() + HOUR_MS).toISOString(), plannedEnd: new Date(now.getTime() + 2 * HOUR_MS).toISOString(), content: 'メモリ増設', stopsService: false,
      });
      await sys.complete(handle, 'confirm_plan', sys.actors.ga1, 'confirmed');
      await sys.advanceBy(HOUR_MS);
      await executeWorkTs(sys, handle, 'メモリ増設完了');
      await sys.complete(handle, 'verify_work', sys.actors.op1, 'ok');
      const request = await sys.openTask(handle, 'request_department_verification');
      await sys.complete(handle, 'request_department_verification', sys.actors.ga1, 'requested', { departmentIds: (request.suggested?.departmentIds) ?? [sys.departments.tax.id] });
      await sys.complete(handle, 'department_verification', sys.actors.dept1, 'ok');
      await sys.complete(handle, 'approve_completion', sys.actors.ga1, 'approved');
      return finished(sys, handle);
    },
  },
];

function expect200(response: { status: number; text: string }): void {
  if (response.status < 200 || response.status >= 300) throw new Error(`unexpected ${response.status}: ${response.text}`);
}
