import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { configureLogging } from '../../src/observability/logger';
import { mergeExpositions } from '../../src/observability/metrics';
import { FlowDriver } from '../support/flow';
import { complete } from './support/complete';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { metricValue, parseMetrics } from './support/prometheus';

/** Every log line the process writes during this file, parsed. */
const lines: Array<Record<string, any>> = [];
configureLogging({ level: 'debug', process: 'api', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });

describe('operability: metrics, logs and drain of the API on real servers', () => {
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

  const scrape = async (headers: Record<string, string> = {}) => {
    const response = await fetch(`${system.baseUrl}/metrics`, { headers });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), text, metrics: parseMetrics(text) };
  };

  test('/metrics is Prometheus text: HTTP per route, open cases, e-mails sent move while a case runs', async () => {
    const before = await scrape();
    expect(before.status).toBe(200);
    expect(before.contentType).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(before.text).toContain('# TYPE opsdesk_http_request_duration_seconds histogram');
    expect(before.text).toContain('# TYPE opsdesk_cases_open gauge');
    expect(before.text).toContain('# TYPE opsdesk_emails_sent_total counter');
    expect(before.text).toContain('# TYPE opsdesk_tasks_overdue gauge');
    expect(before.text).toContain('# TYPE opsdesk_backups_total counter');
    expect(before.text).toContain('process_cpu_user_seconds_total');
    expect(metricValue(before.metrics, 'opsdesk_product_metrics_up')).toBe(1);
    expect(metricValue(before.metrics, 'opsdesk_sla_breaches_total', { kind: 'incident' })).toBe(0);

    const alert = await system.request('POST', '/api/alerts', {
      headers: { authorization: `Bearer ${alertToken}` },
      body: { source: 'zabbix', hostname: 'esx01', alertName: 'HostDown', severity: 'critical', summary: 'ESXiホスト応答なし', detectedAt: new Date().toISOString() },
    });
    expect(alert.status).toBe(202);
    const number = alert.body.results[0].caseNumber as string;
    await system.smtp.waitFor((m) => m.subject.includes(number));
    await flow.openTask(number, 'acknowledge', 'op1');

    // The receipt mail's evidence row is written right after the SMTP server accepted it.
    let after = await scrape();
    for (let i = 0; i < 50 && (metricValue(after.metrics, 'opsdesk_emails_sent_total') ?? 0) <= (metricValue(before.metrics, 'opsdesk_emails_sent_total') ?? 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await scrape();
    }
    expect(metricValue(after.metrics, 'opsdesk_cases_open', { kind: 'incident', status: 'received' })).toBe(1);
    expect(metricValue(after.metrics, 'opsdesk_emails_sent_total')).toBeGreaterThan(metricValue(before.metrics, 'opsdesk_emails_sent_total') ?? 0);
    expect(metricValue(after.metrics, 'opsdesk_tasks_open', { role: 'operator' })).toBe(1);
    expect(metricValue(after.metrics, 'opsdesk_http_request_duration_seconds_count', { method: 'POST', route: '/api/alerts', status: '202' })).toBe(1);
    expect(metricValue(after.metrics, 'opsdesk_http_request_duration_seconds_count', { method: 'GET', route: '/api/tasks', status: '200' })).toBeGreaterThanOrEqual(1);
    // The in-process worker counts its activities.
    expect(metricValue(after.metrics, 'opsdesk_activities_total', { activity: 'registerCase', result: 'completed' })).toBeGreaterThanOrEqual(1);

    // Overdue tasks and SLA breaches come from the database at scrape time.
    const orm = system.app.get(MikroORM);
    await orm.em.getConnection().execute(`update case_task set due_at = now() - interval '1 minute' where case_number = ? and state = 'open'`, [number]);
    await orm.em.getConnection().execute(`update case_record set breached = true where number = ?`, [number]);
    const late = await scrape();
    expect(metricValue(late.metrics, 'opsdesk_tasks_overdue', { type: 'acknowledge', role: 'operator' })).toBe(1);
    expect(metricValue(late.metrics, 'opsdesk_cases_open_sla_breached', { kind: 'incident' })).toBe(1);
    expect(metricValue(late.metrics, 'opsdesk_sla_breaches_total', { kind: 'incident' })).toBe(1);

    await complete(flow, number, 'acknowledge', 'op1', { outcome: 'on_site' });
    const moved = await scrape();
    expect(metricValue(moved.metrics, 'opsdesk_cases_open', { kind: 'incident', status: 'received' }) ?? 0).toBe(0);
    expect(metricValue(moved.metrics, 'opsdesk_cases_open', { kind: 'incident', status: 'in_progress' })).toBe(1);
    expect(metricValue(moved.metrics, 'opsdesk_tasks_overdue', { type: 'acknowledge', role: 'operator' }) ?? 0).toBe(0);
  });

  test('one case can be followed through the log by its number: requests with user and request id, activities with workflow and run id', async () => {
    const created = await system.request('POST', '/api/incidents', {
      token: await flow.token('op1'),
      headers: { 'x-request-id': 'op-test-0001' },
      body: { hostname: 'esx02', subject: '税務課より電話: 画面が遅い', summary: '10時頃から', severity: 'minor' },
    });
    expect(created.status).toBe(201);
    const number = created.body.caseNumber as string;
    await complete(flow, number, 'acknowledge', 'op1', { outcome: 'on_site' });
    await flow.openTask(number, 'triage', 'op1');

    const ofCase = lines.filter((l) => l.caseNumber === number);
    // The request that opened it: its own id, the user, the answer's case number.
    const opened = ofCase.find((l) => l.requestId === 'op-test-0001');
    expect(opened).toMatchObject({ level: 'info', method: 'POST', route: '/api/incidents', status: 201, user: 'op1', proc: 'api' });
    // Completing the task: the case number comes from the task id in the path.
    expect(ofCase.find((l) => l.route === '/api/tasks/:id/complete')).toMatchObject({ user: 'op1', status: 200 });
    // The worker's activities, with the workflow's ids.
    const activities = ofCase.filter((l) => /^activity \w+ completed$/.test(l.msg));
    expect(activities.length).toBeGreaterThanOrEqual(3);
    expect(activities.map((l) => l.activityType)).toEqual(expect.arrayContaining(['registerCase', 'sendCaseMail']));
    for (const line of activities) {
      expect(line.workflowId).toBe(created.body.workflowId ?? line.workflowId);
      expect(line.runId).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof line.time).toBe('string');
    }
    expect(new Set(activities.map((l) => l.runId)).size).toBe(1);
    // JSON, one event per line, nothing secret.
    expect(lines.every((l) => typeof l.msg === 'string' && typeof l.level === 'string')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(system.config.demoPassword);
    const response = await fetch(`${system.baseUrl}/health/live`, { headers: { 'x-request-id': 'probe-1' } });
    expect(response.headers.get('x-request-id')).toBe('probe-1');
    expect(lines.find((l) => l.requestId === 'probe-1')).toMatchObject({ level: 'debug', route: '/health/live' });
  });

  test('METRICS_TOKEN protects /metrics when set', async () => {
    process.env.METRICS_TOKEN = 'scrape-secret';
    try {
      expect((await scrape()).status).toBe(401);
      expect((await scrape({ authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await scrape({ authorization: 'Bearer scrape-secret' })).status).toBe(200);
    } finally {
      delete process.env.METRICS_TOKEN;
    }
  });

  test('the worker part of /metrics is merged in, each of its series labelled process="worker"', () => {
    const merged = mergeExpositions([
      { text: '# HELP a_total A\n# TYPE a_total counter\na_total{x="1"} 1\n# HELP h H\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 2\nh_count 1\n' },
      { text: '# HELP a_total A\n# TYPE a_total counter\na_total{x="1"} 5\n# HELP temporal_x X\n# TYPE temporal_x gauge\ntemporal_x 3\n', extraLabels: { process: 'worker' } },
    ]);
    expect(merged).toBe(
      '# HELP a_total A\n# TYPE a_total counter\na_total{x="1"} 1\na_total{process="worker",x="1"} 5\n# HELP h H\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 2\nh_count 1\n# HELP temporal_x X\n# TYPE temporal_x gauge\ntemporal_x{process="worker"} 3\n',
    );
  });
});

describe('operability: the API drains its requests on shutdown', () => {
  test('a request in flight when the API is told to stop still gets its answer; new connections are refused', async () => {
    const system = await startTestSystem({ worker: false });
    const token = await system.login('ga1');
    // A request held in flight: the case list waits for a lock another session holds on its table.
    const holder = new Client({ connectionString: system.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table case_record in access exclusive mode');
      const started = Date.now();
      const slow = fetch(`${system.baseUrl}/api/cases`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({ status: r.status, body: (await r.json()) as { items: unknown[] }, at: Date.now() }));
      await new Promise((r) => setTimeout(r, 500));
      const closing = system.close().then(() => Date.now());
      await new Promise((r) => setTimeout(r, 200));
      await expect(fetch(`${system.baseUrl}/health/live`)).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 2_000));
      await holder.query('commit');
      const answer = await slow;
      const closedAt = await closing;
      // The answer came back whole, after the lock went and before the API finished closing.
      expect(answer).toMatchObject({ status: 200, body: { items: [] } });
      expect(answer.at - started).toBeGreaterThanOrEqual(2_500);
      expect(closedAt).toBeGreaterThanOrEqual(answer.at);
      const drained = lines.find((l) => /^drained 1 request/.test(l.msg));
      expect(drained).toMatchObject({ drained: true, inFlightAtStart: 1 });
    } finally {
      await holder.end();
    }
  });
});
