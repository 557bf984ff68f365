import type { EntityManager } from '@mikro-orm/postgresql';
import type { BusinessCalendar } from '../calendar/business-calendar';
import { fromJstWall } from '../../workflows/shared/jst';
import type { FigureSource, MonthlyFigures } from '../../workflows/shared/contracts';
import type { CaseStatus, SlaView, WorkPlan } from '../../workflows/shared/case-model';
import type { AssetRow, AvailabilityRow, BackupRow, CapacityRow, CaseRow, ReportData, SlaMonth, StorageRow, TimelineRow, TrafficRow, VmResourceRow } from './figures';

/** `2026-11` → its bounds in Japan as instants [from, to). */
export function monthBounds(month: string): { from: string; to: string } {
  const [year, mon] = month.split('-').map(Number);
  return { from: fromJstWall(year, mon, 1).toISOString(), to: fromJstWall(year, mon + 1, 1).toISOString() };
}

export function shiftMonth(month: string, delta: number): string {
  const [year, mon] = month.split('-').map(Number);
  const d = new Date(Date.UTC(year, mon - 1 + delta, 1));
  return d.toISOString().slice(0, 7);
}

/** How `pg` hands back a timestamptz (a Date) or a value cast to text. */
type Timestamp = Date | string;
/** numeric and bigint come back as text; a number where the column is an integer. */
type Numeric = string | number;

/** The rows as PostgreSQL returns them, one type per statement of loadReportData. */
interface RawAsset { hostname: string; kind: string; sub_platform: string; created_at: Timestamp; retired_at: Timestamp | null }
interface RawAvailability { day: string; hostname: string; samples: number; failed_samples: number; observed_seconds: Numeric; down_seconds: Numeric; source: string }
interface RawCase {
  number: string; kind: CaseRow['kind']; subject: string; status: CaseStatus; resolution: string | null; severity: string | null; hostname: string | null;
  occurred_at: Timestamp; completed_at: Timestamp | null; request_type: string | null; breached: boolean | null; sla: SlaView | null; work_plan: WorkPlan | null;
  department_name: string | null;
}
interface RawRecovery { number: string; at: Timestamp }
interface RawTimeline { id: string; number: string; at: Timestamp; kind: string; message_ja: string; data: Record<string, unknown> | null }
interface RawBackup { key: string; target_kind: string; target_name: string; reason: string; status: string; started_at: Timestamp }
interface RawCapacity {
  day: string; adapter: string; cluster: string; kind: string; name: string; cpu_total: number | null; cpu_used: number | null;
  memory_gib_total: Numeric | null; memory_gib_used: Numeric | null; disk_gib_total: Numeric; disk_gib_used: Numeric;
}
interface RawSlaCase { number: string; breached: boolean }
interface RawPreviousReport { figures: MonthlyFigures | null }
interface RawVmResource { day: string; hostname: string; metric: VmResourceRow['metric']; average_percent: Numeric; peak_percent: Numeric; samples: number; source: string }
interface RawTraffic { day: string; hostname: string; interface: string; in_octets: Numeric; out_octets: Numeric; source: string }
interface RawStorage { day: string; store: StorageRow['store']; item: string; used_bytes: Numeric; total_bytes: Numeric | null }

const iso = (value: Date | string | null): string | null => (value === null || value === undefined ? null : new Date(value).toISOString());
const day = (value: Date | string) => (typeof value === 'string' ? value.slice(0, 10) : new Date(value.getTime() - value.getTimezoneOffset() * 60_000).toISOString().slice(0, 10));

/** Business days between two instants: business milliseconds ÷ the length of a business day. */
export function businessDaysBetween(calendar: BusinessCalendar, a: string, b: string): number {
  const dayMs = (calendar.closeMinutes - calendar.openMinutes) * 60_000;
  return calendar.businessMillisecondsBetween(new Date(a), new Date(b)) / dayMs;
}

/**
 * Reads the rows a month's figures are computed from (src/reports/figures.ts), ordered, so the
 * same database gives the same figures.
 */
export async function loadReportData(em: EntityManager, calendar: BusinessCalendar, month: string): Promise<ReportData> {
  const { from, to } = monthBounds(month);
  const conn = em.getConnection();
  const fromDay = `${month}-01`;
  const toDay = `${shiftMonth(month, 1)}-01`;

  const assets: AssetRow[] = (await conn.execute<RawAsset[]>(`select hostname, kind, sub_platform, created_at, retired_at from asset order by hostname`)).map((r) => ({
    hostname: r.hostname, kind: r.kind, subPlatform: r.sub_platform, createdAt: iso(r.created_at)!, retiredAt: iso(r.retired_at),
  }));
  const availability: AvailabilityRow[] = (await conn.execute<RawAvailability[]>(
    `select day::text as day, hostname, samples, failed_samples, observed_seconds, down_seconds, source from report_availability_daily where day >= ? and day < ? order by day, hostname`,
    [fromDay, toDay],
  )).map((r) => ({ day: day(r.day), hostname: r.hostname, samples: r.samples, failedSamples: r.failed_samples, observedSeconds: Number(r.observed_seconds), downSeconds: Number(r.down_seconds), source: r.source }));

  const caseRows = await conn.execute<RawCase[]>(
    `select c.number, c.kind, c.subject, c.status, c.resolution, c.severity, c.hostname, c.occurred_at, c.completed_at, c.request_type, c.breached, c.sla, c.work_plan,
            (select d.name_ja from department d where d.id::text = c.department_ids[1]::text) as department_name
       from case_record c
      where c.occurred_at < ? and (c.completed_at is null or c.completed_at >= ?)
      order by c.number`,
    [to, shiftBack(from, 400)],
  );
  // Recovery of an incident: the last time the operators verified the platform working again
  // (verify_platform: ok, when the workflow mails 'recovered'), not the later approval that closes it.
  const recoveries = new Map<string, string>(
    (await conn.execute<RawRecovery[]>(
      `select c.number, max(t.at) as at from case_timeline t join case_record c on c.id = t.case_id
        where c.kind = 'incident' and c.occurred_at < ? and t.kind = 'task_completed' and t.data->>'type' = 'verify_platform' and t.data->>'outcome' = 'ok'
        group by c.number`,
      [to],
    )).map((r) => [r.number, iso(r.at)!]),
  );
  const cases: CaseRow[] = caseRows.map((r) => {
    const occurredAt = iso(r.occurred_at)!;
    const completedAt = iso(r.completed_at);
    // A request's lead time runs from its receipt (accepted by general affairs: the SLA's start,
    // R-SLA-3), not from its submission; a row without an SLA (never accepted) from its registration.
    const receivedAt = r.kind === 'work_request' && typeof r.sla?.startAt === 'string' ? iso(r.sla.startAt)! : occurredAt;
    return {
      number: r.number, kind: r.kind, subject: r.subject, status: r.status, resolution: r.resolution, severity: r.severity, hostname: r.hostname,
      occurredAt, completedAt, requestType: r.request_type, departmentName: r.department_name ?? null, breached: !!r.breached, sla: r.sla ?? null, workPlan: r.work_plan ?? null,
      recoveredAt: r.kind === 'incident' ? recoveries.get(r.number) ?? null : null,
      leadBusinessDays: completedAt && r.kind === 'work_request' ? Math.round(businessDaysBetween(calendar, receivedAt, completedAt) * 100) / 100 : null,
    };
  });
  const timeline: TimelineRow[] = (await conn.execute<RawTimeline[]>(
    `select t.id, c.number, t.at, t.kind, t.message_ja, t.data from case_timeline t join case_record c on c.id = t.case_id
      where t.kind in ('hold', 'escalation') and t.at < ? order by t.at, t.id`,
    [to],
  )).map((r) => ({ id: r.id, caseNumber: r.number, at: iso(r.at)!, kind: r.kind, messageJa: r.message_ja, data: r.data ?? null }));
  const backups: BackupRow[] = (await conn.execute<RawBackup[]>(
    `select key, target_kind, target_name, reason, status, started_at from backup_record where started_at >= ? and started_at < ? order by key`,
    [from, to],
  )).map((r) => ({ key: r.key, targetKind: r.target_kind, targetName: r.target_name, reason: r.reason, status: r.status, startedAt: iso(r.started_at)! }));
  const capacity: CapacityRow[] = (await conn.execute<RawCapacity[]>(
    `select day::text as day, adapter, cluster, kind, name, cpu_total, cpu_used, memory_gib_total, memory_gib_used, disk_gib_total, disk_gib_used
       from platform_capacity_daily where day >= (?::date - interval '400 days') and day < ? order by day, adapter, cluster, kind, name`,
    [toDay, toDay],
  )).map((r) => ({
    day: day(r.day), adapter: r.adapter, cluster: r.cluster, kind: r.kind, name: r.name, cpuTotal: r.cpu_total, cpuUsed: r.cpu_used,
    memoryGiBTotal: r.memory_gib_total === null ? null : Number(r.memory_gib_total), memoryGiBUsed: r.memory_gib_used === null ? null : Number(r.memory_gib_used),
    diskGiBTotal: Number(r.disk_gib_total), diskGiBUsed: Number(r.disk_gib_used),
  }));
  const slaHistory: SlaMonth[] = [];
  for (let i = 11; i >= 0; i -= 1) {
    const m = shiftMonth(month, -i);
    const b = monthBounds(m);
    const rows = await conn.execute<RawSlaCase[]>(
      `select number, breached from case_record where kind = 'work_request' and resolution = 'completed' and completed_at >= ? and completed_at < ? order by number`,
      [b.from, b.to],
    );
    slaHistory.push({ month: m, met: rows.filter((r) => !r.breached).length, total: rows.length, keys: rows.map((r) => r.number) });
  }
  const previous = await conn.execute<RawPreviousReport[]>(
    `select figures from monthly_report where month = ? and figures is not null order by (status = 'approved') desc, revision desc limit 1`,
    [shiftMonth(month, -1)],
  );
  let previousOpen: string[] | null = null;
  if (previous.length) {
    const sections = previous[0].figures?.sections ?? [];
    previousOpen = sections.find((s) => s.id === 'open_issues')?.tables.find((t) => t.id === 'open')?.rows.map((r) => String(r.number)) ?? [];
  }
  const vmResources: VmResourceRow[] = (await conn.execute<RawVmResource[]>(
    `select day::text as day, hostname, metric, average_percent, peak_percent, samples, source from report_vm_resource_daily
      where day >= ? and day < ? order by day, hostname, metric`,
    [fromDay, toDay],
  )).map((r) => ({ day: day(r.day), hostname: r.hostname, metric: r.metric, averagePercent: Number(r.average_percent), peakPercent: Number(r.peak_percent), samples: r.samples, source: r.source }));
  const traffic: TrafficRow[] = (await conn.execute<RawTraffic[]>(
    `select day::text as day, hostname, interface, in_octets, out_octets, source from report_traffic_daily where day >= ? and day < ? order by day, hostname, interface`,
    [fromDay, toDay],
  )).map((r) => ({ day: day(r.day), hostname: r.hostname, interface: r.interface, inOctets: Number(r.in_octets), outOctets: Number(r.out_octets), source: r.source }));
  const storage: StorageRow[] = (await conn.execute<RawStorage[]>(
    `select day::text as day, store, item, used_bytes, total_bytes from report_storage_daily
      where day >= (?::date - interval '400 days') and day < ? order by day, store, item`,
    [toDay, toDay],
  )).map((r) => ({ day: day(r.day), store: r.store, item: r.item, usedBytes: Number(r.used_bytes), totalBytes: r.total_bytes === null ? null : Number(r.total_bytes) }));
  return { month, from, to, assets, availability, cases, timeline, backups, capacity, slaHistory, previousOpen, vmResources, traffic, storage };
}

function shiftBack(isoInstant: string, days: number): string {
  return new Date(Date.parse(isoInstant) - days * 86_400_000).toISOString();
}

/** The rows a figure was computed from, read again by their keys (the trace of a figure). */
export async function sourceRows(em: EntityManager, source: FigureSource): Promise<Record<string, unknown>[]> {
  const conn = em.getConnection();
  if (source.keys.length === 0) return [];
  const keys = JSON.stringify(source.keys);
  const KEYS = `(select jsonb_array_elements_text(?::jsonb))`;
  switch (source.table) {
    case 'report_availability_daily':
      return conn.execute(
        `select day::text as day, hostname, samples, failed_samples, observed_seconds, down_seconds, source, gathered_at from report_availability_daily
          where day::text || '|' || hostname in ${KEYS} order by day, hostname`,
        [keys],
      );
    case 'platform_capacity_daily':
      return conn.execute(
        `select day::text as day, adapter, cluster, kind, name, cpu_total, cpu_used, memory_gib_total, memory_gib_used, disk_gib_total, disk_gib_used, sampled_at from platform_capacity_daily
          where day::text || '|' || adapter || '|' || cluster || '|' || kind || '|' || name in ${KEYS} order by day, adapter, cluster, kind, name`,
        [keys],
      );
    case 'case_record':
      return conn.execute(
        `select number, kind, subject, status, resolution, severity, hostname, occurred_at, completed_at, request_type, breached, sla, work_plan from case_record where number in ${KEYS} order by number`,
        [keys],
      );
    case 'case_timeline':
      return conn.execute(
        `select t.id, c.number, t.at, t.kind, t.message_ja, t.data from case_timeline t join case_record c on c.id = t.case_id
          where t.id::text in ${KEYS} or (c.number in ${KEYS} and t.kind in ('hold', 'escalation')) order by t.at, t.id`,
        [keys, keys],
      );
    case 'report_vm_resource_daily':
      return conn.execute(
        `select day::text as day, hostname, metric, average_percent, peak_percent, samples, source, gathered_at from report_vm_resource_daily
          where day::text || '|' || hostname || '|' || metric in ${KEYS} order by day, hostname, metric`,
        [keys],
      );
    case 'report_traffic_daily':
      return conn.execute(
        `select day::text as day, hostname, interface, in_octets, out_octets, source, gathered_at from report_traffic_daily
          where day::text || '|' || hostname || '|' || interface in ${KEYS} order by day, hostname, interface`,
        [keys],
      );
    case 'report_storage_daily':
      return conn.execute(
        `select day::text as day, store, item, used_bytes, total_bytes, source, gathered_at from report_storage_daily
          where day::text || '|' || store || '|' || item in ${KEYS} order by day, store, item`,
        [keys],
      );
    case 'backup_record':
      return conn.execute(`select key, target_kind, target_name, reason, status, started_at, finished_at from backup_record where key in ${KEYS} order by key`, [keys]);
    default:
      return [];
  }
}
