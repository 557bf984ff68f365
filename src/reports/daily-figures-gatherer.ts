import type { EntityManager } from '@mikro-orm/postgresql';
import { statfs } from 'node:fs/promises';
import type { DatabaseInfo } from '../providers/database-platform.port';
import { fromJstWall } from '../../workflows/shared/jst';
import type { GatherDailyFiguresResult } from '../../workflows/shared/contracts';
import { nextDay } from './availability-gatherer';
import { instantQuery, type VectorSample } from '../monitoring/prometheus-api';

/** File systems that are not disks (node_exporter lists them too). */
const NOT_DISKS = 'tmpfs|ramfs|overlay|squashfs|nsfs|devtmpfs|autofs|proc|sysfs|cgroup2?';

/**
 * A VM's use in percent, one series per `hostname` (the inventory's name, the label opsdesk's
 * file_sd targets carry): the same expressions as the monitoring page's charts
 * (src/monitoring/monitoring-view.service.ts), aggregated by host.
 */
export const VM_RESOURCE_EXPRESSIONS: Readonly<Record<'cpu' | 'memory' | 'disk', string>> = {
  cpu: '100 * (1 - avg by (hostname) (rate(node_cpu_seconds_total{job="node",mode="idle"}[5m])))',
  memory: '100 * (1 - sum by (hostname) (node_memory_MemAvailable_bytes{job="node"}) / sum by (hostname) (node_memory_MemTotal_bytes{job="node"}))',
  disk: `max by (hostname) (100 * (1 - node_filesystem_avail_bytes{job="node",fstype!~"${NOT_DISKS}"} / node_filesystem_size_bytes{job="node",fstype!~"${NOT_DISKS}"}))`,
};

/**
 * The day as 288 five-minute points: the subquery `[86399s:5m]` evaluated at the day's end takes
 * the points after its start up to its end (the same 288 in every Prometheus version).
 */
const OVER_DAY = '[86399s:5m]';

/** Octets through each interface over the day: the increase of snmp_exporter's IF-MIB counters. */
export const TRAFFIC_EXPRESSIONS = {
  in: 'sum by (hostname, ifName, ifIndex) (increase(ifHCInOctets{job="snmp"}[1d]))',
  out: 'sum by (hostname, ifName, ifIndex) (increase(ifHCOutOctets{job="snmp"}[1d]))',
} as const;

const dayEnd = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return fromJstWall(y, m, d + 1);
};

/**
 * The nightly gathering of what node_exporter and snmp_exporter report (R-RPT-1, R-RPT-4 /
 * R-MON-3): per VM and Japan day the average and peak CPU, memory and disk use, and per device
 * interface the octets in and out, asked from Prometheus at the day's end and kept in
 * report_vm_resource_daily and report_traffic_daily. Idempotent: a day gathered again replaces
 * its Prometheus rows with what Prometheus says (the same, while it still holds the day); a day
 * Prometheus says nothing about keeps its rows, so a report rebuilt after the retention is the same.
 */
export class PrometheusDailyGatherer {
  constructor(
    private readonly em: EntityManager,
    private readonly prometheusUrl: string | null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private query(promql: string, time: number): Promise<VectorSample[]> {
    return instantQuery(this.prometheusUrl!, promql, { time, timeoutMs: 30_000 });
  }

  async gather(fromDay: string, toDay: string): Promise<Omit<GatherDailyFiguresResult, 'storage'>> {
    if (!this.prometheusUrl) return { prometheus: false, daysGathered: 0, resourceRows: 0, trafficRows: 0, reason: 'PROMETHEUS_URL is not set' };
    try {
      const ready = await fetch(`${this.prometheusUrl}/-/ready`, { signal: AbortSignal.timeout(15_000) });
      if (!ready.ok) throw new Error(`answered ${ready.status}`);
    } catch (error) {
      return { prometheus: false, daysGathered: 0, resourceRows: 0, trafficRows: 0, reason: `Prometheus cannot be reached: ${error instanceof Error ? error.message : String(error)}` };
    }
    let days = 0;
    let resourceRows = 0;
    let trafficRows = 0;
    for (let day = fromDay; day <= toDay; day = nextDay(day)) {
      const end = dayEnd(day).getTime();
      if (end > this.now().getTime()) break; // a day is gathered once it is over
      const at = end / 1000;
      const resources: { hostname: string; metric: string; average: number; peak: number; samples: number }[] = [];
      for (const [metric, expr] of Object.entries(VM_RESOURCE_EXPRESSIONS)) {
        const [averages, peaks, counts] = await Promise.all([
          this.query(`avg_over_time((${expr})${OVER_DAY})`, at),
          this.query(`max_over_time((${expr})${OVER_DAY})`, at),
          this.query(`count_over_time((${expr})${OVER_DAY})`, at),
        ]);
        const peak = new Map(peaks.map((s) => [s.metric.hostname, Number(s.value[1])]));
        const count = new Map(counts.map((s) => [s.metric.hostname, Number(s.value[1])]));
        for (const s of averages) {
          const hostname = s.metric.hostname;
          const average = Number(s.value[1]);
          if (!hostname || !Number.isFinite(average) || !Number.isFinite(peak.get(hostname) ?? NaN)) continue;
          resources.push({ hostname, metric, average, peak: peak.get(hostname)!, samples: Math.round(count.get(hostname) ?? 0) });
        }
      }
      const [ins, outs] = await Promise.all([this.query(TRAFFIC_EXPRESSIONS.in, at), this.query(TRAFFIC_EXPRESSIONS.out, at)]);
      const traffic = new Map<string, { hostname: string; iface: string; in: number; out: number }>();
      const add = (samples: VectorSample[], field: 'in' | 'out') => {
        for (const s of samples) {
          const hostname = s.metric.hostname;
          const iface = s.metric.ifName || (s.metric.ifIndex ? `ifIndex ${s.metric.ifIndex}` : '');
          const value = Number(s.value[1]);
          if (!hostname || !iface || !Number.isFinite(value)) continue;
          const key = `${hostname}|${iface}`;
          const entry = traffic.get(key) ?? { hostname, iface, in: 0, out: 0 };
          entry[field] += Math.round(value);
          traffic.set(key, entry);
        }
      };
      add(ins, 'in');
      add(outs, 'out');
      // A day Prometheus no longer holds (past its retention) keeps the rows gathered while it did.
      await this.em.fork().transactional(async (tx) => {
        const conn = tx.getConnection();
        if (resources.length) await conn.execute(`delete from report_vm_resource_daily where day = ? and source = 'prometheus'`, [day]);
        if (traffic.size) await conn.execute(`delete from report_traffic_daily where day = ? and source = 'prometheus'`, [day]);
        for (const r of resources) {
          await conn.execute(
            `insert into report_vm_resource_daily (day, hostname, metric, average_percent, peak_percent, samples, source, gathered_at)
             values (?, ?, ?, ?, ?, ?, 'prometheus', now())
             on conflict (day, hostname, metric) do update set average_percent = excluded.average_percent, peak_percent = excluded.peak_percent,
               samples = excluded.samples, source = excluded.source, gathered_at = excluded.gathered_at`,
            [day, r.hostname, r.metric, r.average, r.peak, r.samples],
          );
        }
        for (const t of traffic.values()) {
          await conn.execute(
            `insert into report_traffic_daily (day, hostname, interface, in_octets, out_octets, source, gathered_at)
             values (?, ?, ?, ?, ?, 'prometheus', now())
             on conflict (day, hostname, interface) do update set in_octets = excluded.in_octets, out_octets = excluded.out_octets,
               source = excluded.source, gathered_at = excluded.gathered_at`,
            [day, t.hostname, t.iface, t.in, t.out],
          );
        }
      });
      resourceRows += resources.length;
      trafficRows += traffic.size;
      days += 1;
    }
    return { prometheus: true, daysGathered: days, resourceRows, trafficRows, reason: null };
  }
}

/** What the storage sampling reads: the database platform's databases (null: not configured). */
export interface StorageSources {
  listDatabases: (() => Promise<DatabaseInfo[]>) | null;
  /** The backup store folder (BACKUP_DIR). */
  backupDir: string;
}

/**
 * R-RPT-3: the database platform's and the backup store's use on the day that has just ended, as
 * opsdesk can read it. Sizes are read as they are now, so only that day is sampled (never an
 * older day, which would give it today's sizes): each database's size (pg_database_size through
 * the database platform port) and their sum, whose total the platform does not tell (null); the
 * backup store's use from the backup catalog (the files kept at the day's end: succeeded and not
 * yet pruned) and the size of the file system it is on (statfs).
 */
export class StorageGatherer {
  constructor(
    private readonly em: EntityManager,
    private readonly sources: StorageSources,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async gather(day: string): Promise<GatherDailyFiguresResult['storage']> {
    const end = dayEnd(day).getTime();
    const now = this.now().getTime();
    if (end > now || end + 86_400_000 <= now) {
      return { sampled: false, rows: 0, reasons: [`${day} is not the day that has just ended: sizes are read as they are now, so only that day is sampled`] };
    }
    const reasons: string[] = [];
    const rows: { store: string; item: string; used: number; total: number | null; source: string }[] = [];
    if (!this.sources.listDatabases) {
      reasons.push('the database platform is not configured (DB_PLATFORM_URL)');
    } else {
      try {
        const databases = (await this.sources.listDatabases()).sort((a, b) => a.name.localeCompare(b.name));
        const source = 'pg_database_size() through the database platform (DB_PLATFORM_URL); the platform does not tell its disk size';
        for (const db of databases) rows.push({ store: 'database_platform', item: db.name, used: db.sizeBytes, total: null, source });
        rows.push({ store: 'database_platform', item: '*', used: databases.reduce((a, d) => a + d.sizeBytes, 0), total: null, source: `sum of ${databases.length} databases; ${source}` });
      } catch (error) {
        reasons.push(`the database platform cannot be read: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const conn = this.em.getConnection();
    const [kept] = await conn.execute(
      `select coalesce(sum(size_bytes), 0)::float8 as used, count(*)::int as files from backup_record
        where status in ('succeeded', 'pruned') and size_bytes is not null and finished_at < ? and (pruned_at is null or pruned_at >= ?)`,
      [new Date(end), new Date(end)],
    );
    let total: number | null = null;
    try {
      const fs = await statfs(this.sources.backupDir);
      total = Number(fs.blocks) * Number(fs.bsize);
    } catch (error) {
      reasons.push(`the backup store's file system cannot be read (${this.sources.backupDir}): ${error instanceof Error ? error.message : String(error)}`);
    }
    rows.push({
      store: 'backup_store', item: '*', used: Number(kept.used), total,
      source: `backup_record: ${kept.files} files kept at the day's end (succeeded, not pruned); total: the file system of BACKUP_DIR (statfs)`,
    });
    await this.em.fork().transactional(async (tx) => {
      const c = tx.getConnection();
      await c.execute(`delete from report_storage_daily where day = ?`, [day]);
      for (const r of rows) {
        await c.execute(
          `insert into report_storage_daily (day, store, item, used_bytes, total_bytes, source, gathered_at) values (?, ?, ?, ?, ?, ?, now())`,
          [day, r.store, r.item, r.used, r.total, r.source],
        );
      }
    });
    return { sampled: true, rows: rows.length, reasons };
  }
}
