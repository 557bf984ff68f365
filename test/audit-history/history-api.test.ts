/**
 * Issue 7 end to end, on real Temporal, PostgreSQL and SMTP: an auditor reads a case's workflow
 * history (readable and raw), replays it, checks it against the case record; the history is
 * archived when the case closes and everything keeps working after Temporal has deleted it.
 */
import { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Client as PgClient } from 'pg';
import { runAuditCli } from '../../scripts/audit';
import { historyToJson } from '../../src/audit-history/proto-json';
import { FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

describe('issue 7: auditors read, replay and check workflow histories, kept for good', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let pg: PgClient;
  let client: Client;
  let number: string;
  let workflowId: string;
  let runId: string;

  const asAuditor = (method: string, path: string) => flow.as('audit1', method, path);

  beforeAll(async () => {
    process.env.OPSDESK_ARCHIVE_INTERVAL_SECONDS = '1';
    system = await startTestSystem();
    flow = new FlowDriver(system);
    client = system.app.get(Client);
    pg = new PgClient({ connectionString: system.config.databaseUrl });
    await pg.connect();
  });
  afterAll(async () => {
    delete process.env.OPSDESK_ARCHIVE_INTERVAL_SECONDS;
    await pg?.end();
    await system?.close();
  });

  test('a running case: the live history with a readable timeline (ja/en); auditors and admins only', async () => {
    const created = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'vm-zeimu01', subject: '税務システムの画面が表示されない', summary: '税務課より電話', severity: 'major' });
    expect(created.status).toBe(201);
    number = created.body.caseNumber;
    await flow.complete(number, 'acknowledge', 'op1', { outcome: 'on_site' });
    const detail = await flow.caseDetail(number);
    workflowId = detail.workflowId;

    for (const user of ['op1', 'ga1', 'dept1']) expect((await flow.as(user, 'GET', `/api/cases/${number}/history`)).status).toBe(403);
    expect((await flow.as('op1', 'POST', `/api/cases/${number}/replay`)).status).toBe(403);
    expect((await flow.as('ga1', 'GET', `/api/cases/${number}/consistency`)).status).toBe(403);
    expect((await flow.as('admin', 'GET', `/api/cases/${number}/history`)).status).toBe(200);
    expect((await asAuditor('GET', '/api/cases/INC-1999-9999/history')).status).toBe(404);
    expect((await asAuditor('GET', `/api/cases/${number}/history?format=xml`)).status).toBe(400);

    const live = await asAuditor('GET', `/api/cases/${number}/history`);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ source: 'temporal', workflowId, workflowType: 'incidentWorkflow', status: 'RUNNING', archive: null, case: { number } });
    runId = live.body.runId;
    const kinds = live.body.timeline.map((e: any) => e.kind);
    expect(kinds[0]).toBe('workflow_started');
    // The SLA clock's timer, with its deadline in both languages.
    const timer = live.body.timeline.find((e: any) => e.kind === 'timer_started');
    expect(timer.ja).toMatch(/タイマー開始（期限: \d{4}年\d+月\d+日/);
    expect(timer.en).toMatch(/Timer started \(fires .+ JST/);
    expect(Date.parse(timer.data.deadline)).toBeGreaterThan(Date.parse(timer.at));
    // Who completed the task with what outcome, from the Update payloads.
    const done = live.body.timeline.find((e: any) => e.kind === 'task_completed');
    expect(done).toMatchObject({ actorUsername: 'op1', actor: '運用 一郎', data: { type: 'acknowledge', outcome: 'on_site' } });
    expect(done.ja).toContain('現地到着・一次切り分け開始');
    expect(done.ja).toContain('現地で対応開始');
    expect(done.en).toContain('On site and started');
    // The e-mail sent when the case was received, from sendCaseMail's result.
    const mail = live.body.timeline.find((e: any) => e.kind === 'email');
    expect(mail.data).toMatchObject({ template: 'incident.received' });
    expect(mail.data.messageId).toMatch(/^<.+>$/);
    expect(mail.ja).toContain('メール送信:');
    expect(mail.ja).toContain(number);
    expect(live.body.timeline.some((e: any) => e.kind === 'record' && e.ja.startsWith('記録:'))).toBe(true);
  });

  test('the case closes: replay, consistency and the archive (gzip + sha256) written by the worker', async () => {
    await flow.complete(number, 'triage', 'op1', { outcome: 'resolved', data: { findings: 'サービス再起動で復旧', impactScope: '税務システム', serviceStopped: false } });
    await flow.complete(number, 'verify_platform', 'op1', { outcome: 'ok' });
    const request = await flow.openTask(number, 'request_department_verification');
    await flow.complete(number, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds: request.suggested.departmentIds } });
    await flow.complete(number, 'department_verification', 'dept1', { outcome: 'ok' });
    await flow.complete(number, 'approve_completion', 'ga1', { outcome: 'approved' });
    await flow.waitForStatus(number, 'done');
    await client.workflow.getHandle(workflowId, runId).result();

    // The worker's archiver (every second here) finds the closed run through visibility.
    const t0 = Date.now();
    let row: any;
    while (Date.now() - t0 < 20_000) {
      row = (await pg.query('select * from archived_history where run_id = $1', [runId])).rows[0];
      if (row) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(row).toMatchObject({ workflow_id: workflowId, case_number: number, workflow_type: 'incidentWorkflow', close_status: 'COMPLETED', archived_by: expect.stringMatching(/worker-archiver|api-on-read/) });
    console.log(`[archive] archived ${Date.now() - t0} ms after the workflow closed; ${row.json_bytes} bytes of JSON → ${row.history_gzip.length} bytes gzip`);
    const json = gunzipSync(row.history_gzip).toString('utf8');
    expect(sha256(json)).toBe(row.sha256);
    // What the server returns, in the `temporal workflow show --output json` form (protobuf maps,
    // such as search attributes, come in any order, so the texts are compared parsed).
    expect(JSON.parse(json)).toEqual(JSON.parse(historyToJson(await client.workflow.getHandle(workflowId, runId).fetchHistory())));
    expect(row.event_count).toBe(JSON.parse(json).events.length);

    // A second sweep (and the API reading it) archive nothing twice.
    await system.worker!.archiver.sweep();
    expect((await pg.query('select count(*)::int as n from archived_history where run_id = $1', [runId])).rows[0].n).toBe(1);

    const replay = await asAuditor('POST', `/api/cases/${number}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ ok: true, workflowType: 'incidentWorkflow', eventCount: row.event_count, source: 'archive', case: number });
    expect(replay.body.durationMs).toBeGreaterThanOrEqual(0);
    console.log(`[replay] ${number}: ${replay.body.eventCount} events replayed in ${replay.body.durationMs} ms`);
    const liveReplay = await asAuditor('POST', `/api/cases/${number}/replay?source=live`);
    expect(liveReplay.body).toMatchObject({ ok: true, source: 'temporal' });

    const consistency = await asAuditor('GET', `/api/cases/${number}/consistency`);
    expect(consistency.status).toBe(200);
    expect(consistency.body.mismatches).toEqual([]);
    expect(consistency.body).toMatchObject({ consistent: true, source: 'archive' });
    expect(consistency.body.checked.tasks).toBe(6);
    expect(consistency.body.checked.emails).toBeGreaterThanOrEqual(4);
  });

  test('the consistency check lists a tampered actor, a moved time and a step missing from the record', async () => {
    const { rows } = await pg.query(`select id, key, actor, actor_username, at from case_timeline where case_id = (select id from case_record where number = $1) and kind = 'task_completed' order by at`, [number]);
    const [first, second] = rows;
    const mailRow = (await pg.query(`select id, key from case_timeline where case_id = (select id from case_record where number = $1) and kind = 'email' order by at limit 1`, [number])).rows[0];
    try {
      await pg.query(`update case_timeline set actor = '運用 二郎', actor_username = 'op2' where id = $1`, [first.id]);
      await pg.query(`update case_timeline set at = at + interval '10 minutes' where id = $1`, [second.id]);
      await pg.query(`update case_timeline set key = key || ':moved' where id = $1`, [mailRow.id]);
      const report = await asAuditor('GET', `/api/cases/${number}/consistency`);
      expect(report.body.consistent).toBe(false);
      const kinds = report.body.mismatches.map((m: any) => m.kind);
      expect(kinds).toEqual(expect.arrayContaining(['actor_differs', 'time_differs', 'missing_in_record', 'missing_in_history']));
      const actor = report.body.mismatches.find((m: any) => m.kind === 'actor_differs' && m.expected === 'op1');
      expect(actor.en).toContain('op2');
      expect(actor.ja).toContain('運用 二郎');
      expect(report.body.mismatches.find((m: any) => m.kind === 'time_differs').en).toContain('600.0 s apart');
      // A looser tolerance forgives the moved time, not the rest.
      const loose = await asAuditor('GET', `/api/cases/${number}/consistency?toleranceSeconds=900`);
      expect(loose.body.mismatches.map((m: any) => m.kind)).not.toContain('time_differs');
    } finally {
      await pg.query(`update case_timeline set actor = $2, actor_username = $3 where id = $1`, [first.id, first.actor, first.actor_username]);
      await pg.query(`update case_timeline set at = $2 where id = $1`, [second.id, second.at]);
      await pg.query(`update case_timeline set key = $2 where id = $1`, [mailRow.id, mailRow.key]);
    }
    expect((await asAuditor('GET', `/api/cases/${number}/consistency`)).body.consistent).toBe(true);
  });

  test('deleted from Temporal (retention): export, readable history, replay and consistency work the same from the archive', async () => {
    const before = await asAuditor('GET', `/api/cases/${number}/history?format=raw&source=live`);
    // What the namespace's retention does: the server deletes the closed run (asynchronously; the
    // request is repeated until the run is gone).
    const t0 = Date.now();
    for (;;) {
      await client.workflowService.deleteWorkflowExecution({ namespace: system.config.temporal.namespace, workflowExecution: { workflowId, runId } }).catch(() => undefined);
      const gone = await client.workflow.getHandle(workflowId, runId).fetchHistory().then(() => false, () => true);
      if (gone) break;
      if (Date.now() - t0 > 60_000) throw new Error('the workflow was not deleted within 60 s');
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect((await asAuditor('GET', `/api/cases/${number}/history?source=live`)).status).toBe(404);

    const raw = await asAuditor('GET', `/api/cases/${number}/history?format=raw`);
    expect(raw.status).toBe(200);
    expect(JSON.parse(raw.text)).toEqual(JSON.parse(before.text));
    const disposition = await fetch(`${system.baseUrl}/api/cases/${number}/history?format=raw`, { headers: { authorization: `Bearer ${await flow.token('audit1')}` } });
    expect(disposition.headers.get('content-disposition')).toBe(`attachment; filename="${number}_${runId}.history.json"`);
    expect(disposition.headers.get('content-type')).toContain('application/json');
    expect(disposition.headers.get('x-opsdesk-history-source')).toBe('archive');
    expect(disposition.headers.get('x-opsdesk-history-sha256')).toBe(sha256(raw.text));

    const readable = await asAuditor('GET', `/api/cases/${number}/history`);
    expect(readable.body).toMatchObject({ source: 'archive', status: 'COMPLETED', archive: { checksumVerified: true, sha256: sha256(raw.text) } });
    expect(readable.body.timeline.filter((e: any) => e.kind === 'task_completed').map((e: any) => e.data.type)).toEqual([
      'acknowledge', 'triage', 'verify_platform', 'request_department_verification', 'department_verification', 'approve_completion',
    ]);
    expect(readable.body.timeline.at(-1)).toMatchObject({ kind: 'workflow_closed', en: 'Workflow completed (resolution: completed)' });
    expect((await asAuditor('POST', `/api/cases/${number}/replay`)).body).toMatchObject({ ok: true, source: 'archive' });
    expect((await asAuditor('GET', `/api/cases/${number}/consistency`)).body).toMatchObject({ consistent: true, source: 'archive' });

    // The CLI does the same from the archive.
    const out = mkdtempSync(join(tmpdir(), 'opsdesk-audit-'));
    try {
      const lines: string[] = [];
      const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), progress: null };
      const env = { ...process.env, DATABASE_URL: system.config.databaseUrl, TEMPORAL_ADDRESS: system.config.temporal.address, TEMPORAL_TASK_QUEUE: system.config.temporal.taskQueue };
      expect(await runAuditCli(['export', number, '--out', out], env, io)).toBe(0);
      expect(readFileSync(join(out, `${number}_${runId}.history.json`), 'utf8')).toBe(raw.text);
      expect(lines.join('\n')).toContain('the archive (checksum verified)');
      expect(await runAuditCli(['replay', number], env, io)).toBe(0);
      expect(lines.join('\n')).toContain('replays against the current code');
      expect(await runAuditCli(['consistency', number], env, io)).toBe(0);
      expect(lines.join('\n')).toContain(`${number}: the record and the history agree`);
      lines.length = 0;
      expect(await runAuditCli(['replay', '--all', '--since', '2000-01-01'], env, io)).toBe(0);
      expect(lines.find((l) => l.startsWith('summary:'))).toMatch(/^summary: 1 case\(s\) in [\d.]+ s — 1 replayed, 0 failed, 0 unavailable; \d+ events, 1 from the archive, 0 from the Temporal server$/);
      expect(lines).toContain(`  [1/1] ${number} ok`);
      console.log(`[cli] ${lines.join(' | ')}`);
      lines.length = 0;
      expect(await runAuditCli(['replay', '--all', '--since', '2999-01-01'], env, io)).toBe(0);
      expect(lines.find((l) => l.startsWith('summary:'))).toContain('summary: 0 case(s)');
      expect(await runAuditCli(['frobnicate'], env, io)).toBe(2);
      expect(await runAuditCli(['replay'], env, io)).toBe(2);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('an archive that fails its checksum is refused, naming the run', async () => {
    const { rows } = await pg.query('select sha256 from archived_history where run_id = $1', [runId]);
    try {
      await pg.query(`update archived_history set sha256 = repeat('0', 64) where run_id = $1`, [runId]);
      const response = await asAuditor('GET', `/api/cases/${number}/history`);
      expect(response.status).toBe(409);
      expect(response.body.message).toContain(`run ${runId} fails its checksum`);
    } finally {
      await pg.query('update archived_history set sha256 = $2 where run_id = $1', [runId, rows[0].sha256]);
    }
  });

  test('replay against changed workflow code: the nondeterminism in words an auditor can act on', async () => {
    const quiet = () => undefined;
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(__dirname, '..', 'replay', 'variants', 'unpatched-change.workflows.ts'),
      logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error },
    });
    const dir = mkdtempSync(join(tmpdir(), 'opsdesk-variant-'));
    const path = join(dir, 'bundle.js');
    writeFileSync(path, code);
    process.env.OPSDESK_WORKFLOW_BUNDLE = path;
    try {
      const response = await asAuditor('POST', `/api/cases/${number}/replay`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ ok: false, workflowType: 'incidentWorkflow', source: 'archive', problem: { kind: 'nondeterminism' } });
      const { problem } = response.body;
      expect(problem.eventId).toBeGreaterThan(0);
      // The case ran with patched('incident-first-task-sooner'): its history starts with that marker, where the changed code starts a timer.
      expect(problem.en).toMatch(new RegExp(`^At event #${problem.eventId} \\(MarkerRecorded, .+\\) the history shows the marker of patched\\('incident-first-task-sooner'\\).*, ` +
        `but the current code did not ask patched\\('incident-first-task-sooner'\\) at that point and issued another command instead\\.`));
      expect(problem.en).toContain('the workflow code has changed since this case ran; a patch() is missing');
      expect(problem.ja).toContain(`イベント #${problem.eventId}`);
      console.log(`[replay] changed code: ${problem.en}`);
    } finally {
      delete process.env.OPSDESK_WORKFLOW_BUNDLE;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  test('every history read, export, replay and consistency check is in the audit log, with who and the outcome', async () => {
    const { rows } = await pg.query(`select action, actor_username, target, outcome from audit_log where action like 'case.history.%' order by seq`);
    const actions = new Set(rows.map((r: any) => r.action));
    expect([...actions].sort()).toEqual(['case.history.consistency', 'case.history.export', 'case.history.read', 'case.history.replay']);
    const mine = (action: string, user: string) => rows.filter((r: any) => r.action === action && r.actor_username === user && r.target === `case:${number}`);
    expect(mine('case.history.read', 'audit1').length).toBeGreaterThan(0);
    expect(mine('case.history.read', 'admin').length).toBe(1);
    expect(mine('case.history.replay', 'audit1').map((r: any) => r.outcome)).toEqual(expect.arrayContaining(['ok', 'failed']));
    expect(rows.some((r: any) => r.action === 'case.history.export' && String(r.actor_username).startsWith('cli:'))).toBe(true);
    // Refused callers (wrong role) never reached the history, so nothing was read in their name.
    expect(rows.some((r: any) => ['op1', 'ga1', 'dept1'].includes(r.actor_username))).toBe(false);
  });
});
