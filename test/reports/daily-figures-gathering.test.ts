import { MikroORM } from '@mikro-orm/postgresql';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ormOptions } from '../../src/database/mikro-orm.config';
import { migrateDatabase } from '../../src/database/migrate';
import { missingMonitoringTools } from '../../src/monitoring/binaries';
import { PostgresDatabasePlatform } from '../../src/providers/postgres/postgres-platform';
import { PrometheusDailyGatherer, StorageGatherer } from '../../src/reports/daily-figures-gatherer';
import { fromJstWall, jstWall } from '../../workflows/shared/jst';
import { createTestDatabase } from '../support/databases';
import { dayOfSeries, startBackfilledPrometheus, type BackfilledPrometheus } from './prometheus-backfill';

/**
 * The nightly gathering of VM resource use (R-RPT-1), traffic per link (R-RPT-4 / R-MON-3) and
 * storage use (R-RPT-3). A real Prometheus (127.0.0.1 only) holds yesterday's node_exporter and
 * snmp_exporter series, backfilled with promtool 15 s apart under the names and labels opsdesk's
 * scrape jobs give them (job="node" / job="snmp", hostname from the inventory); the database
 * platform is the run's second PostgreSQL; the backup store is a scratch folder.
 *
 * Yesterday's series and their values by hand: see prometheus-backfill.ts.
 */
const missing = missingMonitoringTools();
const maybe = missing.length ? describe.skip : describe;
jest.setTimeout(120_000);

maybe('R-RPT-1, R-RPT-4, R-RPT-3: daily VM resources, traffic and storage gathered from their real sources', () => {
  let dir: string;
  let prometheus: BackfilledPrometheus;
  let url: string;
  let orm: MikroORM;
  const wall = jstWall(Date.now() - 86_400_000);
  const day = wall.toISOString().slice(0, 10);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsdesk-daily-figures-'));
    const start = fromJstWall(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate()).getTime() / 1000;
    prometheus = await startBackfilledPrometheus(dir, dayOfSeries(start, 'rpt-vm01', 'sw01'));
    url = prometheus.url;
    orm = await MikroORM.init(ormOptions(await createTestDatabase()));
    await migrateDatabase(orm);
  }, 60_000);

  afterAll(async () => {
    await orm?.close(true);
    await prometheus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('R-RPT-1: a day of node_exporter series becomes the VM\'s CPU, memory and disk average and peak; gathering again changes nothing', async () => {
    const gatherer = new PrometheusDailyGatherer(orm.em.fork(), url);
    const first = await gatherer.gather(day, day);
    expect(first).toEqual({ prometheus: true, daysGathered: 1, resourceRows: 3, trafficRows: 1, reason: null });
    await gatherer.gather(day, day);
    const rows = await orm.em.getConnection().execute(
      `select day::text as day, hostname, metric, round(average_percent::numeric, 3)::float8 as average, round(peak_percent::numeric, 3)::float8 as peak, samples, source
         from report_vm_resource_daily order by metric`,
    );
    expect(rows).toEqual([
      { day, hostname: 'rpt-vm01', metric: 'cpu', average: 30, peak: 30, samples: 288, source: 'prometheus' },
      { day, hostname: 'rpt-vm01', metric: 'disk', average: 60, peak: 60, samples: 288, source: 'prometheus' },
      { day, hostname: 'rpt-vm01', metric: 'memory', average: 27.083, peak: 75, samples: 288, source: 'prometheus' },
    ]);
  });

  test('R-RPT-4: a day of IF-MIB octet counters becomes the interface\'s daily totals in and out', async () => {
    await new PrometheusDailyGatherer(orm.em.fork(), url).gather(day, day);
    const rows = await orm.em.getConnection().execute(`select day::text as day, hostname, interface, in_octets, out_octets, source from report_traffic_daily`);
    expect(rows).toEqual([{ day, hostname: 'sw01', interface: 'eth0', in_octets: 5_760_000, out_octets: 1_440_000, source: 'prometheus' }]);
  });

  test('R-RPT-1/4: a day Prometheus no longer holds keeps the rows gathered while it did (a report rebuilt after the retention is the same)', async () => {
    const before = new Date(Date.parse(`${day}T00:00:00Z`) - 3 * 86_400_000).toISOString().slice(0, 10);
    const conn = orm.em.getConnection();
    await conn.execute(`insert into report_vm_resource_daily (day, hostname, metric, average_percent, peak_percent, samples, source, gathered_at) values (?, 'rpt-vm01', 'cpu', 12, 34, 288, 'prometheus', now())`, [before]);
    await conn.execute(`insert into report_traffic_daily (day, hostname, interface, in_octets, out_octets, source, gathered_at) values (?, 'sw01', 'eth0', 1, 2, 'prometheus', now())`, [before]);
    expect(await new PrometheusDailyGatherer(orm.em.fork(), url).gather(before, before)).toMatchObject({ daysGathered: 1, resourceRows: 0, trafficRows: 0 });
    expect(await conn.execute(`select peak_percent from report_vm_resource_daily where day = ?`, [before])).toEqual([{ peak_percent: 34 }]);
    expect(await conn.execute(`select out_octets from report_traffic_daily where day = ?`, [before])).toEqual([{ out_octets: 2 }]);
  });

  test('R-RPT-1/4: today is not gathered before it is over, and without Prometheus the gatherer says why', async () => {
    const today = jstWall(Date.now()).toISOString().slice(0, 10);
    expect((await new PrometheusDailyGatherer(orm.em.fork(), url).gather(today, today)).daysGathered).toBe(0);
    expect(await new PrometheusDailyGatherer(orm.em.fork(), null).gather(day, day)).toMatchObject({ prometheus: false, reason: 'PROMETHEUS_URL is not set' });
  });

  test('R-RPT-3: the database platform\'s database sizes and the backup store\'s use are sampled for the day just ended, never for an older day', async () => {
    const server = process.env.OPSDESK_TEST_DB_PLATFORM_URL!;
    const name = `rpt_size_${process.pid}`;
    const admin = new Client({ connectionString: `${server}/postgres` });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${name}`);
      await admin.query(`create database ${name}`);
      const platform = new PostgresDatabasePlatform({ url: `${server}/postgres`, publicHost: null, pgBinDir: null, protectedDatabases: [] });
      const backupDir = join(dir, 'backups');
      mkdirSync(backupDir, { recursive: true });
      // The catalog: one backup kept at the day's end, one pruned before it, one finished after it, one failed.
      const end = fromJstWall(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate() + 1);
      const at = (hoursFromEnd: number) => new Date(end.getTime() + hoursFromEnd * 3_600_000);
      const conn = orm.em.getConnection();
      for (const [key, status, size, finished, pruned] of [
        ['b-kept', 'succeeded', 3_000_000_000, at(-20), null], ['b-pruned-before', 'pruned', 5_000_000_000, at(-40), at(-2)],
        ['b-pruned-after', 'pruned', 1_000_000_000, at(-40), at(3)], ['b-later', 'succeeded', 7_000_000_000, at(2), null], ['b-failed', 'failed', null, at(-5), null],
      ] as const) {
        await conn.execute(
          `insert into backup_record (id, key, target_kind, target_name, reason, status, file, size_bytes, retention_days, requested_by, started_at, finished_at, pruned_at)
           values (gen_random_uuid(), ?, 'database', 'zeimu', 'scheduled', ?, ?, ?, 30, 'schedule', ?, ?, ?)`,
          [key, status, `${key}.dump`, size, new Date(finished.getTime() - 60_000), finished, pruned],
        );
      }
      const gatherer = new StorageGatherer(orm.em.fork(), { listDatabases: () => platform.listDatabases(), backupDir });
      const result = await gatherer.gather(day);
      expect(result).toMatchObject({ sampled: true, reasons: [] });
      const rows = await conn.execute(`select store, item, used_bytes, total_bytes, source from report_storage_daily where day = ? order by store, item`, [day]);
      const [{ size }] = (await admin.query(`select pg_database_size('${name}')::float8 as size`)).rows;
      const databases = rows.filter((r: any) => r.store === 'database_platform' && r.item !== '*');
      expect(databases.find((r: any) => r.item === name)).toMatchObject({ used_bytes: size, total_bytes: null });
      expect(databases.map((r: any) => r.item)).not.toContain('postgres');
      const all = rows.find((r: any) => r.store === 'database_platform' && r.item === '*')!;
      expect(all.used_bytes).toBe(databases.reduce((a: number, r: any) => a + r.used_bytes, 0));
      expect(all.total_bytes).toBeNull();
      // Kept at the day's end: b-kept and b-pruned-after (pruned the next day) = 4 GB; the file system's size is read, not guessed.
      const store = rows.find((r: any) => r.store === 'backup_store')!;
      expect(store).toMatchObject({ item: '*', used_bytes: 4_000_000_000 });
      expect(store.total_bytes).toBeGreaterThan(0);
      const older = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      expect(await gatherer.gather(older)).toMatchObject({ sampled: false, rows: 0 });
      expect(await new StorageGatherer(orm.em.fork(), { listDatabases: null, backupDir }).gather(day)).toMatchObject({ sampled: true, reasons: ['the database platform is not configured (DB_PLATFORM_URL)'] });
    } finally {
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    }
  });
});
