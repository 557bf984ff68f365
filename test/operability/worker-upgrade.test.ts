import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { FlowDriver } from '../support/flow';
import { complete } from './support/complete';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { metricValue, parseMetrics } from './support/prometheus';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

/** An SMTP server that can hold a message before accepting it: an activity stays in flight that long. */
async function startSlowSmtp() {
  const received: Array<{ subject: string; at: number }> = [];
  const state = { holdMs: 0, onData: undefined as undefined | (() => void) };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const hold = state.holdMs;
        state.holdMs = 0;
        state.onData?.();
        setTimeout(() => {
          void simpleParser(Buffer.concat(chunks)).then((mail) => {
            received.push({ subject: mail.subject ?? '', at: Date.now() });
            callback();
          });
        }, hold);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, state, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('upgrade: SIGTERM to a real worker process in the middle of an activity loses nothing', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let smtp: Awaited<ReturnType<typeof startSlowSmtp>>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    smtp = await startSlowSmtp();
    system = await startTestSystem({ worker: false, env: { SMTP_URL: smtp.url } });
    flow = new FlowDriver(system);
  }, 60_000);
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    delete process.env.OPSDESK_WORKER_METRICS_URL;
    await system?.close();
    await smtp?.stop();
  });

  test('the old worker finishes the e-mail it was sending, exits 0; the new worker carries the case to 完了 with no step done twice', async () => {
    const old = await startWorkerProcess(system.config);
    workers.push(old);

    // The worker's own /metrics: Temporal SDK metrics (slots, polls) beside opsdesk's.
    const workerMetrics = await (await fetch(old.metricsUrl)).text();
    expect(workerMetrics).toMatch(/^temporal_worker_task_slots_available\{/m);
    expect(workerMetrics).toContain('temporal_num_pollers');
    expect(workerMetrics).toContain('opsdesk_activities_total');

    // The receipt e-mail will be held by the SMTP server for 4 s: SIGTERM arrives while it is sent.
    smtp.state.holdMs = 4_000;
    const inFlight = new Promise<number>((resolve) => (smtp.state.onData = () => resolve(Date.now())));
    const created = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'esx01', subject: 'ESXi 応答なし（再起動試験）', summary: '夜間に検知', severity: 'major' });
    expect(created.status).toBe(201);
    const number = created.body.caseNumber as string;
    expect(number).toMatch(/^INC-/);
    await inFlight;

    // The API's /metrics merges the worker's: SDK series labelled process="worker".
    process.env.OPSDESK_WORKER_METRICS_URL = old.metricsUrl;
    const merged = parseMetrics(await (await fetch(`${system.baseUrl}/metrics`)).text());
    expect(metricValue(merged, 'opsdesk_worker_metrics_up')).toBe(1);
    expect(metricValue(merged, 'temporal_worker_task_slots_available', { process: 'worker' })).toBeGreaterThan(0);
    expect(metricValue(merged, 'opsdesk_activities_total', { process: 'worker', activity: 'registerCase', result: 'completed' })).toBe(1);
    expect(metricValue(merged, 'opsdesk_cases_open', { kind: 'incident', status: 'received' })).toBe(1);

    const signalledAt = Date.now();
    old.child.kill('SIGTERM');
    const exit = await old.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    // It waited for the activity (the SMTP server's 4 s hold), within the 20 s shutdown grace.
    const mailCompleted = old.lines.find((l) => l.msg === 'activity sendCaseMail completed' && l.caseNumber === number);
    expect(mailCompleted).toBeDefined();
    expect(Date.parse(mailCompleted!.time)).toBeGreaterThan(signalledAt);
    expect(exit.at - signalledAt).toBeLessThan(20_000);
    expect(old.lines.some((l) => l.msg === 'stopped')).toBe(true);
    const receipt = smtp.received.filter((m) => m.subject.includes(number));
    expect(receipt).toHaveLength(1);

    // While no worker runs, the case waits; the upgraded worker takes it from there.
    expect((await flow.caseDetail(number)).status).toBe('received');
    const next = await startWorkerProcess(system.config);
    workers.push(next);
    await complete(flow, number, 'acknowledge', 'op1', { outcome: 'on_site' });
    await complete(flow, number, 'triage', 'op1', { outcome: 'resolved', data: { findings: 'ホスト再起動で復旧', impactScope: 'なし', serviceStopped: false } });
    await complete(flow, number, 'verify_platform', 'op1', { outcome: 'ok' });
    const request = await flow.openTask(number, 'request_department_verification');
    await complete(flow, number, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds: request.suggested.departmentIds } });
    // esx01 serves two departments: both verify.
    await complete(flow, number, 'department_verification', 'dept1', { outcome: 'ok' });
    await complete(flow, number, 'department_verification', 'dept2', { outcome: 'ok' });
    await complete(flow, number, 'approve_completion', 'ga1', { outcome: 'approved' });
    const detail = await flow.waitForStatus(number, 'done');
    const steps = detail.timeline.filter((e: any) => e.kind === 'task_completed').map((e: any) => e.data.type);
    expect(steps.filter((s: string) => s === 'acknowledge')).toHaveLength(1);
    expect(steps[steps.length - 1]).toBe('approve_completion');
    const ids = detail.timeline.map((e: any) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(smtp.received.filter((m) => m.subject.includes(number) && m.subject.includes('障害を受け付けました'))).toHaveLength(1);
    // The new worker's log follows the same case by its number.
    // (Incidents write their record once per workflow task: recordCaseEvents.)
    expect(next.lines.some((l) => l.caseNumber === number && /^activity recordCaseEvents? completed$/.test(String(l.msg)))).toBe(true);
  }, 240_000);
});
