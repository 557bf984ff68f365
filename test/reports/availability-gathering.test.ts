import { MikroORM } from '@mikro-orm/postgresql';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ormOptions } from '../../src/database/mikro-orm.config';
import { migrateDatabase } from '../../src/database/migrate';
import { freePort } from '../../src/embedded/ports';
import { missingMonitoringTools, monitoringToolPath } from '../../src/monitoring/binaries';
import { AvailabilityGatherer } from '../../src/reports/availability-gatherer';
import { fromJstWall, jstWall } from '../../workflows/shared/jst';
import { createTestDatabase } from '../support/databases';

/**
 * The nightly gathering (R-RPT-1/2) against a real Prometheus: yesterday's ICMP probe results are
 * backfilled into its TSDB with promtool (15 s apart, as the blackbox probes scrape), and the
 * gatherer turns them into report_availability_daily rows through Prometheus's HTTP query API.
 */
const missing = missingMonitoringTools();
const maybe = missing.length ? describe.skip : describe;

maybe('R-RPT-1/2: daily availability gathered from a real Prometheus', () => {
  let dir: string;
  let prometheus: ChildProcess;
  let url: string;
  let orm: MikroORM;
  const wall = jstWall(Date.now() - 86_400_000);
  const day = wall.toISOString().slice(0, 10);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsdesk-report-prom-'));
    const start = fromJstWall(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate()).getTime() / 1000;
    const lines = ['# TYPE probe_success gauge'];
    for (const host of ['rpt-a', 'rpt-b']) {
      for (let k = 1; k <= 5760; k += 1) {
        const down = host === 'rpt-b' && k >= 1000 && k < 1040;
        lines.push(`probe_success{job="icmp",hostname="${host}"} ${down ? 0 : 1} ${start + 15 * k}`);
      }
    }
    lines.push('# EOF');
    writeFileSync(join(dir, 'input.om'), `${lines.join('\n')}\n`);
    execFileSync(monitoringToolPath('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'input.om'), join(dir, 'data')], { stdio: 'ignore' });
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    prometheus = spawn(monitoringToolPath('prometheus'), [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=400d',
    ], { stdio: 'ignore' });
    for (let i = 0; ; i += 1) {
      const ready = await fetch(`${url}/-/ready`).then((r) => r.ok).catch(() => false);
      if (ready) break;
      if (i > 150) throw new Error('Prometheus did not get ready');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    orm = await MikroORM.init(ormOptions(await createTestDatabase()));
    await migrateDatabase(orm);
  }, 60_000);

  afterAll(async () => {
    await orm?.close(true);
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('R-RPT-1/2: a day of probes becomes one row per device with its samples, failures and seconds down; gathering again changes nothing', async () => {
    const gatherer = new AvailabilityGatherer(orm.em.fork(), url);
    const first = await gatherer.gather(day, day);
    expect(first).toEqual({ prometheus: true, daysGathered: 1, rows: 2, reason: null });
    await gatherer.gather(day, day);
    const rows = await orm.em.getConnection().execute(
      `select day::text as day, hostname, samples, failed_samples, observed_seconds, down_seconds, source from report_availability_daily order by hostname`,
    );
    expect(rows).toEqual([
      { day, hostname: 'rpt-a', samples: 5760, failed_samples: 0, observed_seconds: 86400, down_seconds: 0, source: 'prometheus' },
      { day, hostname: 'rpt-b', samples: 5760, failed_samples: 40, observed_seconds: 86400, down_seconds: 600, source: 'prometheus' },
    ]);
  });

  test('R-RPT-1/2: a day Prometheus no longer holds keeps its availability rows (a report rebuilt after the retention is the same)', async () => {
    const before = new Date(Date.parse(`${day}T00:00:00Z`) - 3 * 86_400_000).toISOString().slice(0, 10);
    const conn = orm.em.getConnection();
    await conn.execute(`insert into report_availability_daily (day, hostname, samples, failed_samples, observed_seconds, down_seconds, source, gathered_at) values (?, 'rpt-a', 5760, 4, 86400, 60, 'prometheus', now())`, [before]);
    expect(await new AvailabilityGatherer(orm.em.fork(), url).gather(before, before)).toMatchObject({ daysGathered: 1, rows: 0 });
    expect(await conn.execute(`select failed_samples from report_availability_daily where day = ?`, [before])).toEqual([{ failed_samples: 4 }]);
  });

  test('R-RPT-1/2: today is not gathered before it is over, and without Prometheus the gatherer says why', async () => {
    const today = jstWall(Date.now()).toISOString().slice(0, 10);
    expect((await new AvailabilityGatherer(orm.em.fork(), url).gather(today, today)).daysGathered).toBe(0);
    expect(await new AvailabilityGatherer(orm.em.fork(), null).gather(day, day)).toMatchObject({ prometheus: false, reason: 'PROMETHEUS_URL is not set' });
  });
});
