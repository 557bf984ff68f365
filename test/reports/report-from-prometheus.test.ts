import { Client as TemporalClient, Connection } from '@temporalio/client';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingMonitoringTools } from '../../src/monitoring/binaries';
import { reportedMonth } from '../../src/reports/report-calendar';
import { fromJstWall } from '../../workflows/shared/jst';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { dayOfSeries, startBackfilledPrometheus, type BackfilledPrometheus } from './prometheus-backfill';
import { withDatabase } from '../support/databases';

/**
 * End to end: a real Prometheus (127.0.0.1) holds a day of last month's node_exporter and IF-MIB
 * series for a VM and a switch of the inventory; the nightly workflow and the monthly report
 * workflow, on the Temporal dev server and the real worker, gather them into the daily tables, and
 * the report's VM and work sections show them (values by hand in prometheus-backfill.ts).
 */
const maybe = missingMonitoringTools().length ? describe.skip : describe;
jest.setTimeout(180_000);

maybe('R-RPT-1, R-RPT-4: the report workflows read VM resources and traffic from a real Prometheus', () => {
  let dir: string;
  let prometheus: BackfilledPrometheus;
  let system: TestSystem;
  let ga: string;
  const month = reportedMonth(new Date());
  const day = `${month}-15`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsdesk-report-prom-e2e-'));
    const [y, m] = month.split('-').map(Number);
    prometheus = await startBackfilledPrometheus(dir, dayOfSeries(fromJstWall(y, m, 15).getTime() / 1000, 'e2e-vm01', 'e2e-sw01'));
    mkdirSync(join(dir, 'monitoring'));
    system = await startTestSystem({ env: { PROMETHEUS_URL: prometheus.url, OPSDESK_MONITORING_DIR: join(dir, 'monitoring') } });
    await withDatabase(system.config.databaseUrl, async (db) => {
      await db.query(`insert into asset (id, hostname, kind, address, sub_platform, business_systems, protected, created_at, updated_at) values
        (gen_random_uuid(), 'e2e-vm01', 'vm', null, 'virtualization', '{}', false, '2026-01-01', now())`);
    });
    ga = await system.login('ga1');
  }, 120_000);

  afterAll(async () => {
    await system?.close();
    await prometheus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('R-RPT-1/4: the nightly workflow gathers the day\'s VM resources and traffic (and says what it gathered)', async () => {
    const connection = await Connection.connect({ address: process.env.OPSDESK_TEST_TEMPORAL_ADDRESS });
    try {
      const client = new TemporalClient({ connection });
      const result = await client.workflow.execute('dailyFiguresWorkflow', {
        taskQueue: system.config.temporal.taskQueue, workflowId: `${system.config.temporal.workflowIdPrefix}daily-e2e`, args: [{ day }],
      });
      expect(result.dailyFigures).toMatchObject({ prometheus: true, daysGathered: 1, resourceRows: 3, trafficRows: 1, reason: null });
    } finally {
      await connection.close();
    }
  });

  test('R-RPT-1/4: the monthly report gathers the month from Prometheus and shows the VM\'s CPU, memory and disk and the link\'s traffic', async () => {
    const started = await system.request('POST', '/api/reports/monthly', { token: ga, body: { month } });
    expect(started.status).toBe(201);
    const deadline = Date.now() + 120_000;
    let report: any;
    for (;;) {
      const r = await system.request('GET', `/api/reports/monthly/${started.body.reportId}`, { token: ga }).catch(() => ({ status: 0, body: null as any }));
      if (r.status === 200 && r.body.status === 'commenting') {
        report = r.body;
        break;
      }
      if (Date.now() > deadline) throw new Error(`report is ${r.body?.status}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const figure = (id: string) => report.figures.sections.flatMap((s: any) => s.figures).find((f: any) => f.id === id)?.value;
    expect([figure('vms.cpu.peak.e2e-vm01'), figure('vms.cpu.average.e2e-vm01')]).toEqual([30, 30]);
    expect([figure('vms.memory.peak.e2e-vm01'), figure('vms.memory.average.e2e-vm01')]).toEqual([75, 27.1]);
    expect([figure('vms.disk.peak.e2e-vm01'), figure('vms.disk.average.e2e-vm01')]).toEqual([60, 60]);
    // 5,760,000 and 1,440,000 octets in GB (10⁹), three decimals.
    expect([figure('work.traffic.e2e-sw01:eth0.in'), figure('work.traffic.e2e-sw01:eth0.out')]).toEqual([0.006, 0.001]);
    const traced = await system.request('GET', `/api/reports/monthly/${started.body.reportId}/figures/${encodeURIComponent('vms.memory.peak.e2e-vm01')}`, { token: ga });
    expect(traced.body.rows).toEqual([expect.objectContaining({ day, hostname: 'e2e-vm01', metric: 'memory', peak_percent: 75, samples: 288, source: 'prometheus' })]);
  });
});
