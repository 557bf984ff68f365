import type { SlaView, WorkPlan } from '../../workflows/shared/case-model';
import { SEVERITIES, SEVERITY_LABELS, STATUS_LABELS, type CaseStatus } from '../../workflows/shared/case-model';
import {
  REPORT_SECTION_LABELS, type Cell, type Figure, type FigureSource, type MonthlyFigures, type ReportChart, type ReportSection,
  type ReportSectionId, type ReportTable,
} from '../../workflows/shared/contracts';
import { REQUEST_TYPE_BY_NAME } from '../../workflows/shared/request-types';

/**
 * The monthly report's figures (R-RPT-1..5) from the rows of one month: a pure function, so the
 * same rows give the same figures (regeneration is identical) and every figure names the rows it
 * was computed from. src/reports/report-data.ts loads the rows; nothing here touches the world.
 */

export interface AssetRow { hostname: string; kind: string; subPlatform: string; createdAt: string; retiredAt: string | null }
export interface AvailabilityRow { day: string; hostname: string; samples: number; failedSamples: number; observedSeconds: number; downSeconds: number; source: string }
export interface CaseRow {
  number: string;
  kind: 'incident' | 'work_request';
  subject: string;
  status: CaseStatus;
  resolution: string | null;
  severity: string | null;
  hostname: string | null;
  occurredAt: string;
  completedAt: string | null;
  requestType: string | null;
  departmentName: string | null;
  breached: boolean;
  sla: SlaView | null;
  workPlan: WorkPlan | null;
  /** An incident's recovery: the last `verify_platform: ok` (null: none recorded; its completion counts then). */
  recoveredAt?: string | null;
  /** Business days from receipt (acceptance, the SLA's start) to completion (the calendar's reception hours), null while open. */
  leadBusinessDays: number | null;
}
export interface TimelineRow { id: string; caseNumber: string; at: string; kind: string; messageJa: string; data: Record<string, unknown> | null }
export interface BackupRow { key: string; targetKind: string; targetName: string; reason: string; status: string; startedAt: string }
export interface CapacityRow {
  day: string; adapter: string; cluster: string; kind: string; name: string;
  cpuTotal: number | null; cpuUsed: number | null; memoryGiBTotal: number | null; memoryGiBUsed: number | null; diskGiBTotal: number; diskGiBUsed: number;
}
export interface SlaMonth { month: string; met: number; total: number; keys: string[] }
/** A VM's CPU, memory or disk use on one day (report_vm_resource_daily), in percent. */
export interface VmResourceRow { day: string; hostname: string; metric: 'cpu' | 'memory' | 'disk'; averagePercent: number; peakPercent: number; samples: number; source: string }
/** Octets through one interface on one day (report_traffic_daily). */
export interface TrafficRow { day: string; hostname: string; interface: string; inOctets: number; outOctets: number; source: string }
/** The database platform's or the backup store's use on one day (report_storage_daily); total null: not readable. */
export interface StorageRow { day: string; store: 'database_platform' | 'backup_store'; item: string; usedBytes: number; totalBytes: number | null }

export interface ReportData {
  month: string;
  /** The month's bounds as instants: [from, to). */
  from: string;
  to: string;
  assets: AssetRow[];
  availability: AvailabilityRow[];
  /** Cases that touch the month: occurred before its end and not closed before its start. */
  cases: CaseRow[];
  /** Holds and escalations of those cases. */
  timeline: TimelineRow[];
  backups: BackupRow[];
  /** Capacity samples from a year and 90 days before the month's end up to it. */
  capacity: CapacityRow[];
  /** The 3-business-day SLA of work requests, for the 12 months up to this one. */
  slaHistory: SlaMonth[];
  /** Open case numbers of last month's report (null: there was none). */
  previousOpen: string[] | null;
  /** VM CPU / memory / disk per day of the month (R-RPT-1). */
  vmResources: VmResourceRow[];
  /** Octets per interface and day of the month (R-RPT-4 / R-MON-3). */
  traffic: TrafficRow[];
  /** Database platform and backup store use, like `capacity` from a year and 90 days before (R-RPT-3). */
  storage: StorageRow[];
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const ms = (iso: string) => Date.parse(iso);
const DAY_MS = 86_400_000;
const jstDay = (iso: string) => new Date(ms(iso) + 9 * 3_600_000).toISOString().slice(0, 10);
const within = (iso: string | null, from: string, to: string) => iso !== null && ms(iso) >= ms(from) && ms(iso) < ms(to);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]) => (values.length ? sum(values) / values.length : null);

/** Nearest-rank percentile (p in 0..100) of sorted values. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Least squares over (x, y): slope and intercept; null with fewer than two distinct x. */
export function linearTrend(points: { x: number; y: number }[]): { slope: number; intercept: number } | null {
  if (points.length < 2) return null;
  const mx = sum(points.map((p) => p.x)) / points.length;
  const my = sum(points.map((p) => p.y)) / points.length;
  const sxx = sum(points.map((p) => (p.x - mx) ** 2));
  if (sxx === 0) return null;
  const slope = sum(points.map((p) => (p.x - mx) * (p.y - my))) / sxx;
  return { slope, intercept: my - slope * mx };
}

class SectionBuilder {
  readonly figures: Figure[] = [];
  readonly tables: ReportTable[] = [];
  readonly missing: string[] = [];
  constructor(readonly id: ReportSectionId) {}

  figure(id: string, labelJa: string, labelEn: string, value: number | string | null, unit: string, source: FigureSource): string {
    const fullId = `${this.id}.${id}`;
    this.figures.push({ id: fullId, labelJa, labelEn, value, unit, source: { ...source, keys: [...new Set(source.keys)].sort() } });
    return fullId;
  }

  build(): ReportSection {
    const label = REPORT_SECTION_LABELS[this.id];
    return { id: this.id, requirement: label.requirement, titleJa: label.ja, titleEn: label.en, figures: this.figures, tables: this.tables, missing: this.missing };
  }
}

const availabilityKey = (r: AvailabilityRow) => `${r.day}|${r.hostname}`;
const capacityKey = (r: CapacityRow) => `${r.day}|${r.adapter}|${r.cluster}|${r.kind}|${r.name}`;
const resourceKey = (r: VmResourceRow) => `${r.day}|${r.hostname}|${r.metric}`;
const trafficKey = (r: TrafficRow) => `${r.day}|${r.hostname}|${r.interface}`;
const storageKey = (r: StorageRow) => `${r.day}|${r.store}|${r.item}`;
const GB = 1e9;
const GIB = 1024 ** 3;
const RESOURCE_METRICS: { metric: VmResourceRow['metric']; ja: string }[] = [{ metric: 'cpu', ja: 'CPU' }, { metric: 'memory', ja: 'メモリ' }, { metric: 'disk', ja: 'ディスク' }];

/** A month of one VM's daily rows of one metric: the peak of the daily peaks, the average weighted by the points each day rests on. */
function resourceOf(rows: VmResourceRow[]): { peak: number | null; average: number | null } {
  const points = sum(rows.map((r) => r.samples));
  if (rows.length === 0 || points <= 0) return { peak: null, average: null };
  return { peak: round(Math.max(...rows.map((r) => r.peakPercent)), 1), average: round(sum(rows.map((r) => r.averagePercent * r.samples)) / points, 1) };
}

function availabilityOf(rows: AvailabilityRow[]): { percent: number | null; downMinutes: number | null } {
  const observed = sum(rows.map((r) => r.observedSeconds));
  if (observed <= 0) return { percent: null, downMinutes: null };
  const down = sum(rows.map((r) => r.downSeconds));
  return { percent: round(100 * (1 - down / observed), 3), downMinutes: round(down / 60, 1) };
}

function existedIn(asset: AssetRow, from: string, to: string): boolean {
  return ms(asset.createdAt) < ms(to) && (asset.retiredAt === null || ms(asset.retiredAt) >= ms(from));
}

const requestLabel = (type: string | null) => (type ? REQUEST_TYPE_BY_NAME[type]?.labelJa ?? type : '—');

export function computeFigures(data: ReportData): MonthlyFigures {
  const { from, to } = data;
  const monthCases = data.cases;
  const incidentsInMonth = monthCases.filter((c) => c.kind === 'incident' && within(c.occurredAt, from, to)).sort(byNumber);
  const availabilityByHost = new Map<string, AvailabilityRow[]>();
  for (const row of [...data.availability].sort((a, b) => availabilityKey(a).localeCompare(availabilityKey(b)))) {
    if (!availabilityByHost.has(row.hostname)) availabilityByHost.set(row.hostname, []);
    availabilityByHost.get(row.hostname)!.push(row);
  }
  const noMonitoring = data.availability.length === 0;
  const monitoringMissing = '監視データなし: この月の稼働率データ（Prometheus の ping 監視）がありません / no monitoring data for this month';
  const assets = data.assets.filter((a) => existedIn(a, from, to)).sort((a, b) => a.hostname.localeCompare(b.hostname));
  const resourcesByHost = new Map<string, VmResourceRow[]>();
  for (const row of [...data.vmResources].filter((r) => r.day.slice(0, 7) === data.month).sort((a, b) => resourceKey(a).localeCompare(resourceKey(b)))) {
    if (!resourcesByHost.has(row.hostname)) resourcesByHost.set(row.hostname, []);
    resourcesByHost.get(row.hostname)!.push(row);
  }

  // ---- R-RPT-1 VMs ----------------------------------------------------------------------------
  const vms = new SectionBuilder('vms');
  const vmTable: ReportTable = {
    id: 'vms', titleJa: '仮想マシン別 稼働実績', titleEn: 'Per VM',
    columns: [
      { key: 'hostname', labelJa: '仮想マシン' }, { key: 'availability', labelJa: '稼働率(%)' }, { key: 'downtime', labelJa: '停止時間(分)' },
      { key: 'incidents', labelJa: '関連障害' },
      { key: 'cpuPeak', labelJa: 'CPU ピーク(%)' }, { key: 'cpuAverage', labelJa: 'CPU 平均(%)' },
      { key: 'memoryPeak', labelJa: 'メモリ ピーク(%)' }, { key: 'memoryAverage', labelJa: 'メモリ 平均(%)' },
      { key: 'diskPeak', labelJa: 'ディスク ピーク(%)' }, { key: 'diskAverage', labelJa: 'ディスク 平均(%)' },
    ],
    rows: [], rowFigures: [],
  };
  for (const vm of assets.filter((a) => a.kind === 'vm')) {
    const rows = availabilityByHost.get(vm.hostname) ?? [];
    const { percent, downMinutes } = availabilityOf(rows);
    const incidents = incidentsInMonth.filter((c) => c.hostname === vm.hostname).map((c) => c.number);
    const src: FigureSource = { table: 'report_availability_daily', method: '1 − Σ停止秒 ÷ Σ観測秒（日次集計の合計）', keys: rows.map(availabilityKey) };
    const a = vms.figure(`availability.${vm.hostname}`, `${vm.hostname} 稼働率`, `${vm.hostname} availability`, percent, '%', src);
    const d = vms.figure(`downtime.${vm.hostname}`, `${vm.hostname} 停止時間`, `${vm.hostname} downtime`, downMinutes, '分', src);
    const row: Record<string, Cell> = { hostname: vm.hostname, availability: percent, downtime: downMinutes, incidents: incidents.join(', ') || '—' };
    const rowFigures: Record<string, string> = { availability: a, downtime: d };
    for (const { metric, ja } of RESOURCE_METRICS) {
      const days = (resourcesByHost.get(vm.hostname) ?? []).filter((r) => r.metric === metric);
      const { peak, average } = resourceOf(days);
      const keys = days.map(resourceKey);
      rowFigures[`${metric}Peak`] = vms.figure(`${metric}.peak.${vm.hostname}`, `${vm.hostname} ${ja} ピーク`, `${vm.hostname} ${metric} peak`, peak, '%', {
        table: 'report_vm_resource_daily', method: '日次ピーク（5分間隔の値の最大）の月内最大（node_exporter, Prometheus）', keys,
      });
      rowFigures[`${metric}Average`] = vms.figure(`${metric}.average.${vm.hostname}`, `${vm.hostname} ${ja} 平均`, `${vm.hostname} ${metric} average`, average, '%', {
        table: 'report_vm_resource_daily', method: '日次平均（5分間隔の値の平均）を各日の点数で重み付けした月平均（node_exporter, Prometheus）', keys,
      });
      row[`${metric}Peak`] = peak;
      row[`${metric}Average`] = average;
    }
    vmTable.rows.push(row);
    vmTable.rowFigures!.push(rowFigures);
  }
  vms.tables.push(vmTable);
  const completedIn = (types: string[]) => monthCases.filter((c) => c.kind === 'work_request' && c.resolution === 'completed' && types.includes(c.requestType ?? '') && within(c.completedAt, from, to)).map((c) => c.number);
  const changes: [string, string, string, string[]][] = [
    ['created', 'VM 作成（払出し・クローン）', 'VMs created', ['vm.provision', 'vm.clone']],
    ['changed', 'VM 変更（リソース変更）', 'VMs changed', ['vm.resize']],
    ['deleted', 'VM 削除', 'VMs deleted', ['vm.delete']],
  ];
  for (const [id, ja, en, types] of changes) {
    const keys = completedIn(types);
    vms.figure(id, ja, en, keys.length, '件', { table: 'case_record', method: `作業依頼（${types.join(', ')}）のうち当月に完了したもの`, keys });
  }
  if (noMonitoring) vms.missing.push(monitoringMissing);
  const vmNames = new Set(assets.filter((a) => a.kind === 'vm').map((a) => a.hostname));
  if (![...resourcesByHost.keys()].some((h) => vmNames.has(h))) {
    vms.missing.push('CPU・メモリ・ディスクのピーク/平均: この月の node_exporter の日次集計（report_vm_resource_daily）がありません / no VM resource figures (node_exporter) for this month');
  }

  // ---- R-RPT-2 platform -----------------------------------------------------------------------
  const platform = new SectionBuilder('platform');
  const deviceTable: ReportTable = {
    id: 'devices', titleJa: '機器別 稼働率', titleEn: 'Per device',
    columns: [{ key: 'subPlatform', labelJa: 'サブ基盤' }, { key: 'hostname', labelJa: '機器' }, { key: 'availability', labelJa: '稼働率(%)' }, { key: 'downtime', labelJa: '停止時間(分)' }],
    rows: [], rowFigures: [],
  };
  const devices = assets.filter((a) => a.kind !== 'vm').sort((a, b) => a.subPlatform.localeCompare(b.subPlatform) || a.hostname.localeCompare(b.hostname));
  for (const device of devices) {
    const rows = availabilityByHost.get(device.hostname) ?? [];
    const { percent, downMinutes } = availabilityOf(rows);
    const src: FigureSource = { table: 'report_availability_daily', method: '1 − Σ停止秒 ÷ Σ観測秒（日次集計の合計）', keys: rows.map(availabilityKey) };
    const a = platform.figure(`availability.${device.hostname}`, `${device.hostname} 稼働率`, `${device.hostname} availability`, percent, '%', src);
    deviceTable.rows.push({ subPlatform: device.subPlatform, hostname: device.hostname, availability: percent, downtime: downMinutes });
    deviceTable.rowFigures!.push({ availability: a });
  }
  platform.tables.push(deviceTable);
  for (const severity of SEVERITIES) {
    const keys = incidentsInMonth.filter((c) => c.severity === severity).map((c) => c.number);
    platform.figure(`incidents.${severity}`, `障害件数（${SEVERITY_LABELS[severity].ja}）`, `Incidents (${severity})`, keys.length, '件', { table: 'case_record', method: '当月に発生した障害対応を重要度別に数えたもの', keys });
  }
  const onsite = incidentsInMonth.filter((c) => c.sla?.kind === 'onsite' && c.sla.stoppedAt);
  const onsiteMet = onsite.filter((c) => !c.sla!.breached).map((c) => c.number);
  const onsiteMissed = onsite.filter((c) => c.sla!.breached).map((c) => c.number);
  platform.figure('onsite_sla.met', '現地到着SLA 達成', 'On-site SLA met', onsiteMet.length, '件', { table: 'case_record', method: '当月の障害のうち現地到着SLAを期限内に満たしたもの', keys: onsiteMet });
  platform.figure('onsite_sla.missed', '現地到着SLA 未達', 'On-site SLA missed', onsiteMissed.length, '件', { table: 'case_record', method: '当月の障害のうち現地到着SLAを超過したもの', keys: onsiteMissed });
  const mtta = mean(onsite.map((c) => (ms(c.sla!.stoppedAt!) - ms(c.sla!.startAt)) / 60_000));
  platform.figure('mtta', '平均応答時間（MTTA）', 'Mean time to acknowledge', mtta === null ? null : round(mtta, 1), '分', { table: 'case_record', method: '現地到着SLAの開始から停止（現地到着）までの平均', keys: onsite.map((c) => c.number) });
  // Recovered: the platform verified working (verify_platform: ok); rows without that record count at their completion.
  const recoveredAt = (c: CaseRow) => c.recoveredAt ?? c.completedAt;
  const recovered = incidentsInMonth.filter((c) => recoveredAt(c) !== null);
  const mttr = mean(recovered.map((c) => (ms(recoveredAt(c)!) - ms(c.occurredAt)) / 60_000));
  platform.figure('mttr', '平均復旧時間（MTTR）', 'Mean time to recover', mttr === null ? null : round(mttr, 1), '分', {
    table: 'case_record', method: '発生から復旧（基盤の動作確認OK、最後のもの。記録がなければ完了）までの平均（当月発生し復旧した障害）', keys: recovered.map((c) => c.number),
  });
  const backups = data.backups.filter((b) => within(b.startedAt, from, to));
  const ran = backups.filter((b) => b.status !== 'running').map((b) => b.key);
  const failed = backups.filter((b) => b.status === 'failed').map((b) => b.key);
  platform.figure('backups.run', 'バックアップ実行', 'Backups run', ran.length, '件', { table: 'backup_record', method: '当月に開始したバックアップ（実行中を除く）', keys: ran });
  platform.figure('backups.failed', 'バックアップ失敗', 'Backups failed', failed.length, '件', { table: 'backup_record', method: '当月に失敗したバックアップ', keys: failed });
  const restores = completedIn(['backup.restore']);
  platform.figure('backups.restored', 'リストア実施', 'Restores', restores.length, '件', { table: 'case_record', method: '作業依頼（backup.restore）のうち当月に完了したもの', keys: restores });
  const maintenance = monthCases
    .filter((c) => c.kind === 'work_request' && c.workPlan && within(c.workPlan.plannedStart, from, to) && c.resolution === 'completed')
    .sort(byNumber);
  platform.figure('maintenance.done', '保守作業の実施', 'Maintenance done', maintenance.length, '件', { table: 'case_record', method: '作業計画の開始が当月で完了した作業依頼', keys: maintenance.map((c) => c.number) });
  platform.tables.push({
    id: 'maintenance', titleJa: '保守作業（サービス停止と周知日）', titleEn: 'Maintenance',
    columns: [{ key: 'number', labelJa: '案件番号' }, { key: 'subject', labelJa: '件名' }, { key: 'plannedStart', labelJa: '作業開始' }, { key: 'stopsService', labelJa: 'サービス停止' }, { key: 'noticeDate', labelJa: '周知日' }],
    rows: maintenance.map((c) => ({
      number: c.number, subject: c.subject, plannedStart: jstDay(c.workPlan!.plannedStart), stopsService: c.workPlan!.stopsService ? 'あり' : 'なし',
      noticeDate: c.workPlan!.approvedAt ? jstDay(c.workPlan!.approvedAt) : '—',
    })),
  });
  if (noMonitoring) platform.missing.push(monitoringMissing);

  // ---- R-RPT-3 capacity ----------------------------------------------------------------------
  const capacity = new SectionBuilder('capacity');
  const monthEndDay = jstDay(new Date(ms(to) - 1).toISOString());
  const capacityChart = buildCapacity(capacity, data.capacity, data.storage, monthEndDay);
  const storageInMonth = (store: StorageRow['store']) => data.storage.some((r) => r.store === store && r.day.slice(0, 7) === data.month);
  if (!storageInMonth('database_platform')) {
    capacity.missing.push('データベース基盤の容量: この月の日次採取（report_storage_daily）がありません / no database platform sizes were sampled this month');
  } else {
    capacity.missing.push('データベース基盤の総容量（ディスク）は opsdesk から読めないため、使用率と枯渇予測はありません（使用量はデータベースの合計サイズ） / the database platform does not tell its disk size: use only, no percentage or forecast');
  }
  if (!storageInMonth('backup_store')) capacity.missing.push('バックアップストアの容量: この月の日次採取（report_storage_daily）がありません / no backup store use was sampled this month');
  buildDatabaseTable(capacity, data.storage, monthEndDay);

  // ---- R-RPT-4 work ---------------------------------------------------------------------------
  const work = new SectionBuilder('work');
  const requests = monthCases.filter((c) => c.kind === 'work_request').sort(byNumber);
  const received = requests.filter((c) => within(c.occurredAt, from, to));
  const done = requests.filter((c) => c.resolution === 'completed' && within(c.completedAt, from, to));
  const rejected = requests.filter((c) => c.resolution === 'rejected' && within(c.completedAt, from, to));
  work.figure('received', '受付件数', 'Received', received.length, '件', { table: 'case_record', method: '当月に受け付けた作業依頼', keys: received.map((c) => c.number) });
  work.figure('done', '完了件数', 'Done', done.length, '件', { table: 'case_record', method: '当月に完了した作業依頼', keys: done.map((c) => c.number) });
  work.figure('rejected', '却下件数', 'Rejected', rejected.length, '件', { table: 'case_record', method: '当月に却下した作業依頼', keys: rejected.map((c) => c.number) });
  const met = done.filter((c) => !c.breached);
  work.figure('sla_met_percent', '3営業日SLA 達成率', '3-business-day SLA met', done.length ? round((100 * met.length) / done.length, 1) : null, '%', { table: 'case_record', method: '当月完了した作業依頼のうち期限内に完了した割合', keys: done.map((c) => c.number) });
  const leads = done.map((c) => c.leadBusinessDays).filter((v): v is number => v !== null);
  const med = median(leads);
  const p90 = percentile(leads, 90);
  work.figure('lead_median', 'リードタイム 中央値', 'Lead time median', med === null ? null : round(med, 2), '営業日', { table: 'case_record', method: '受付（総務課の受付＝SLAの開始）から完了までの営業日（受付時間内）の中央値', keys: done.map((c) => c.number) });
  work.figure('lead_p90', 'リードタイム 90パーセンタイル', 'Lead time p90', p90 === null ? null : round(p90, 2), '営業日', { table: 'case_record', method: '受付から完了までの営業日の90パーセンタイル（最近順位法）', keys: done.map((c) => c.number) });
  const groups = new Map<string, { type: string; department: string; received: number; done: number; rejected: number }>();
  const bump = (c: CaseRow, field: 'received' | 'done' | 'rejected') => {
    const key = `${c.requestType ?? ''}|${c.departmentName ?? ''}`;
    if (!groups.has(key)) groups.set(key, { type: requestLabel(c.requestType), department: c.departmentName ?? '—', received: 0, done: 0, rejected: 0 });
    groups.get(key)![field] += 1;
  };
  received.forEach((c) => bump(c, 'received'));
  done.forEach((c) => bump(c, 'done'));
  rejected.forEach((c) => bump(c, 'rejected'));
  const byType = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  work.tables.push({
    id: 'by_type', titleJa: '種別・所管課別の件数', titleEn: 'By type and department',
    columns: [{ key: 'type', labelJa: '種別' }, { key: 'department', labelJa: '所管課' }, { key: 'received', labelJa: '受付' }, { key: 'done', labelJa: '完了' }, { key: 'rejected', labelJa: '却下' }],
    rows: byType, rowDepartments: byType.map((r) => r.department),
  });
  const holds = data.timeline.filter((t) => t.kind === 'hold' && within(t.at, from, to)).sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  work.figure('holds', '保留件数', 'Holds', holds.length, '件', { table: 'case_timeline', method: '当月に記録された保留', keys: holds.map((h) => h.id) });
  work.tables.push({
    id: 'holds', titleJa: '保留とその理由', titleEn: 'Holds',
    columns: [{ key: 'number', labelJa: '案件番号' }, { key: 'at', labelJa: '日付' }, { key: 'reason', labelJa: '理由' }, { key: 'waitingFor', labelJa: '待ち相手' }],
    rows: holds.map((h) => ({ number: h.caseNumber, at: jstDay(h.at), reason: h.messageJa.replace(/^保留: /, ''), waitingFor: typeof h.data?.waitingFor === 'string' ? h.data.waitingFor : '—' })),
  });
  buildTraffic(work, data.traffic.filter((r) => r.day.slice(0, 7) === data.month));
  const history = [...data.slaHistory].sort((a, b) => a.month.localeCompare(b.month));
  const slaChart: ReportChart = {
    id: 'sla_monthly', titleJa: '3営業日SLA 達成率（過去12か月）', kind: 'line', unit: '%',
    labels: history.map((h) => h.month), series: [{ nameJa: '達成率', values: history.map((h) => (h.total ? round((100 * h.met) / h.total, 1) : null)) }],
    threshold: null,
  };

  // ---- R-RPT-5 open issues --------------------------------------------------------------------
  const issues = new SectionBuilder('open_issues');
  const openAtEnd = monthCases
    .filter((c) => ms(c.occurredAt) < ms(to) && (c.completedAt === null || ms(c.completedAt) >= ms(to)))
    .sort(byNumber);
  const ageDays = (c: CaseRow) => Math.floor((ms(to) - ms(c.occurredAt)) / DAY_MS);
  const buckets: [string, string, (d: number) => boolean][] = [
    ['age_0_7', '経過 7日以内', (d) => d <= 7], ['age_8_30', '経過 8〜30日', (d) => d > 7 && d <= 30], ['age_31', '経過 31日超', (d) => d > 30],
  ];
  for (const [id, ja, test] of buckets) {
    const keys = openAtEnd.filter((c) => test(ageDays(c))).map((c) => c.number);
    issues.figure(id, ja, id, keys.length, '件', { table: 'case_record', method: '月末時点で未完了の案件を経過日数で分けたもの', keys });
  }
  const breached = openAtEnd.filter((c) => c.breached).map((c) => c.number);
  issues.figure('breached', 'SLA超過中', 'SLA breached', breached.length, '件', { table: 'case_record', method: '月末時点で未完了かつSLA超過の案件', keys: breached });
  const escalated = new Set(data.timeline.filter((t) => t.kind === 'escalation').map((t) => t.caseNumber));
  const vendorOpen = openAtEnd.filter((c) => escalated.has(c.number)).map((c) => c.number);
  issues.figure('vendor_open', 'メーカー対応中', 'Vendor cases open', vendorOpen.length, '件', { table: 'case_timeline', method: '月末時点で未完了かつメーカーへエスカレーションした案件', keys: vendorOpen });
  const lastHold = new Map<string, TimelineRow>();
  for (const t of data.timeline.filter((x) => x.kind === 'hold' && ms(x.at) < ms(to)).sort((a, b) => a.at.localeCompare(b.at))) lastHold.set(t.caseNumber, t);
  issues.tables.push({
    id: 'open', titleJa: '月末時点の未完了案件', titleEn: 'Open at month end',
    columns: [{ key: 'number', labelJa: '案件番号' }, { key: 'subject', labelJa: '件名' }, { key: 'status', labelJa: '対応状況' }, { key: 'age', labelJa: '経過日数' }, { key: 'breached', labelJa: 'SLA超過' }, { key: 'holdReason', labelJa: '保留理由' }],
    rows: openAtEnd.map((c) => ({
      number: c.number, subject: c.subject, status: STATUS_LABELS[c.status]?.ja ?? c.status, age: ageDays(c), breached: c.breached ? '超過' : '—',
      holdReason: c.status === 'on_hold' && lastHold.get(c.number) ? lastHold.get(c.number)!.messageJa.replace(/^保留: /, '') : '—',
    })),
    rowDepartments: openAtEnd.map((c) => c.departmentName),
  });
  if (data.previousOpen === null) {
    issues.missing.push('前月の報告書がないため、繰越の比較はありません / no report for the previous month');
  } else {
    const byNumberMap = new Map(monthCases.map((c) => [c.number, c]));
    const carried = [...data.previousOpen].sort();
    issues.figure('carried_over', '前月からの繰越', 'Carried over', carried.length, '件', { table: 'case_record', method: '前月の報告書で未完了だった案件', keys: carried });
    issues.tables.push({
      id: 'carried', titleJa: '前月からの繰越とその後', titleEn: 'Carried over from last month',
      columns: [{ key: 'number', labelJa: '案件番号' }, { key: 'outcome', labelJa: '当月の結果' }],
      rows: carried.map((n) => {
        const c = byNumberMap.get(n);
        const closed = c?.completedAt && ms(c.completedAt) < ms(to);
        return { number: n, outcome: !c ? '当月以前に完了' : closed ? `完了（${jstDay(c.completedAt!)}）` : '未完了（継続）' };
      }),
    });
  }

  // ---- Charts ---------------------------------------------------------------------------------
  const availabilityChart: ReportChart = {
    id: 'availability', titleJa: '機器別 稼働率', kind: 'bar', unit: '%',
    labels: [...vmTable.rows, ...deviceTable.rows].map((r) => String(r.hostname)),
    series: [{ nameJa: '稼働率', values: [...vmTable.rows, ...deviceTable.rows].map((r) => (r.availability as number | null) ?? null) }],
    threshold: { labelJa: '99.9%', value: 99.9 },
  };
  const weeks = weeksOf(from, to);
  const incidentsChart: ReportChart = {
    id: 'incidents_weekly', titleJa: '週別 障害件数', kind: 'bar', unit: '件',
    labels: weeks.map((w) => w.label),
    series: [{ nameJa: '障害', values: weeks.map((w) => incidentsInMonth.filter((c) => ms(c.occurredAt) >= w.from && ms(c.occurredAt) < w.to).length) }],
    threshold: null,
  };

  return {
    month: data.month, from, to,
    sections: [vms.build(), platform.build(), capacity.build(), work.build(), issues.build()],
    charts: [availabilityChart, capacityChart, slaChart, incidentsChart],
  };
}

function byNumber(a: CaseRow, b: CaseRow): number {
  return a.number.localeCompare(b.number);
}

/** Weeks (Monday to Sunday, Japan) that meet the month, cut to it. */
function weeksOf(from: string, to: string): { label: string; from: number; to: number }[] {
  const result: { label: string; from: number; to: number }[] = [];
  let start = ms(from);
  while (start < ms(to)) {
    const wall = new Date(start + 9 * 3_600_000);
    const weekday = (wall.getUTCDay() + 6) % 7; // Monday 0
    const end = Math.min(ms(to), start + (7 - weekday) * DAY_MS);
    result.push({ label: `${wall.toISOString().slice(5, 10).replace('-', '/')}〜`, from: start, to: end });
    start = end;
  }
  return result;
}

type Metric = 'cpu' | 'memory' | 'disk';
const METRIC_JA: Record<Metric, string> = { cpu: 'CPU', memory: 'メモリ', disk: 'ディスク' };
const METRIC_UNIT: Record<Metric, string> = { cpu: 'vCPU', memory: 'GiB', disk: 'GiB' };

function metricOf(row: CapacityRow, metric: Metric): { used: number; total: number } | null {
  if (metric === 'cpu') return row.cpuTotal !== null && row.cpuUsed !== null ? { used: row.cpuUsed, total: row.cpuTotal } : null;
  if (metric === 'memory') return row.memoryGiBTotal !== null && row.memoryGiBUsed !== null ? { used: row.memoryGiBUsed, total: row.memoryGiBTotal } : null;
  return { used: row.diskGiBUsed, total: row.diskGiBTotal };
}

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const dayIndex = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);

/** One day's use of a capacity item; total null: the source does not tell it. */
interface CapacityPoint { day: string; used: number; total: number | null; key: string }

/** A capacity item of the table: a host's CPU or memory, a datastore, the database platform, the backup store. */
interface CapacityItem {
  id: string;
  label: string;
  unit: string;
  table: FigureSource['table'];
  points: CapacityPoint[];
}

/** The last point on or before `day` (within 31 days), or null. */
function lastOnOrBefore(points: CapacityPoint[], day: string): CapacityPoint | null {
  const candidates = points.filter((r) => r.day <= day && r.day > addDays(day, -31));
  return candidates.length ? candidates[candidates.length - 1] : null;
}

const STORE_LABEL: Record<StorageRow['store'], string> = { database_platform: 'データベース基盤（全データベースの合計）', backup_store: 'バックアップストア' };

function capacityItems(all: CapacityRow[], storage: StorageRow[], endDay: string): CapacityItem[] {
  const items: CapacityItem[] = [];
  const groups = new Map<string, CapacityRow[]>();
  for (const row of [...all].sort((a, b) => capacityKey(a).localeCompare(capacityKey(b)))) {
    if (row.day > endDay) continue;
    const key = `${row.cluster}:${row.kind}:${row.name}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(row);
  }
  for (const [key, rows] of groups) {
    rows.sort((a, b) => a.day.localeCompare(b.day));
    const metrics: Metric[] = rows[0].kind === 'host' ? ['cpu', 'memory'] : ['disk'];
    for (const metric of metrics) {
      const points = rows.filter((r) => metricOf(r, metric)).map((r) => ({ day: r.day, ...metricOf(r, metric)!, key: capacityKey(r) }));
      items.push({ id: `${key}:${metric}`, label: `${key} ${METRIC_JA[metric]}`, unit: METRIC_UNIT[metric], table: 'platform_capacity_daily', points });
    }
  }
  for (const store of ['database_platform', 'backup_store'] as const) {
    const rows = storage.filter((r) => r.store === store && r.item === '*' && r.day <= endDay).sort((a, b) => a.day.localeCompare(b.day));
    if (rows.length === 0) continue;
    items.push({
      id: `${store}:disk`, label: STORE_LABEL[store], unit: 'GiB', table: 'report_storage_daily',
      points: rows.map((r) => ({ day: r.day, used: round(r.usedBytes / GIB, 3), total: r.totalBytes === null ? null : round(r.totalBytes / GIB, 3), key: storageKey(r) })),
    });
  }
  return items;
}

function buildCapacity(section: SectionBuilder, all: CapacityRow[], storage: StorageRow[], endDay: string): ReportChart {
  const prevMonthEnd = addDays(`${endDay.slice(0, 7)}-01`, -1);
  const lastYearEnd = `${Number(endDay.slice(0, 4)) - 1}${endDay.slice(4)}`;
  const entries: { table: FigureSource['table']; row: Record<string, Cell>; figures: Record<string, string>; days: number | null; key: string; series: { day: string; percent: number }[]; total: number | null; slope: number | null; intercept: number | null }[] = [];
  for (const item of capacityItems(all, storage, endDay)) {
    const now = lastOnOrBefore(item.points, endDay);
    if (!now) continue;
    const prev = lastOnOrBefore(item.points, prevMonthEnd);
    const year = lastOnOrBefore(item.points, lastYearEnd);
    const window = item.points.filter((r) => r.day > addDays(endDay, -90) && r.day <= endDay);
    const trend = linearTrend(window.map((r) => ({ x: dayIndex(r.day), y: r.used })));
    let runsOut: string | null = null;
    let days: number | null = null;
    if (trend && trend.slope > 0 && now.total !== null) {
      const x = (now.total - trend.intercept) / trend.slope;
      days = Math.max(0, Math.ceil(x - dayIndex(endDay)));
      runsOut = addDays(endDay, days);
    }
    const pct = (u: number, t: number | null) => (t !== null && t > 0 ? round((100 * u) / t, 1) : null);
    const id = item.id;
    const label = item.label;
    const table = item.table;
    const noTotal = now.total === null ? '（総量が読めないため算出なし）' : '';
    const f = {
      now: section.figure(`${id}.now`, `${label} 使用率`, `${id} use`, pct(now.used, now.total), '%', { table, method: `月末（以前で最新）の日次サンプルの使用量 ÷ 総量${noTotal}`, keys: [now.key] }),
      mom: section.figure(`${id}.mom`, `${label} 前月比`, `${id} month on month`, prev ? round(now.used - prev.used, 2) : null, item.unit, { table, method: '月末の使用量 − 前月末の使用量', keys: prev ? [now.key, prev.key] : [now.key] }),
      yoy: section.figure(`${id}.yoy`, `${label} 前年同月比`, `${id} year on year`, year ? round(now.used - year.used, 2) : null, item.unit, { table, method: '月末の使用量 − 前年同月末の使用量', keys: year ? [now.key, year.key] : [now.key] }),
      runsOut: section.figure(`${id}.runs_out`, `${label} 枯渇予測日`, `${id} runs out`, runsOut, '日付', { table, method: `直近90日の使用量の一次回帰（最小二乗）が総量に達する日${noTotal}`, keys: window.map((r) => r.key) }),
    };
    entries.push({
      table, key: id, days, total: now.total, slope: trend?.slope ?? null, intercept: trend?.intercept ?? null,
      series: window.map((r) => ({ day: r.day, percent: pct(r.used, r.total) ?? 0 })),
      row: {
        item: label, used: round(now.used, 2), total: now.total === null ? '不明' : round(now.total, 2), percent: pct(now.used, now.total),
        mom: section.figures.find((x) => x.id === f.mom)!.value,
        yoy: section.figures.find((x) => x.id === f.yoy)!.value,
        runsOut: runsOut ?? (now.total === null ? '予測なし（総量不明）' : '—'), attention: days !== null && days <= 183 ? '要注意（6か月以内）' : '—',
      },
      figures: { percent: f.now, mom: f.mom, yoy: f.yoy, runsOut: f.runsOut },
    });
  }
  // Items that run out within six months first (soonest first), then the others by name.
  entries.sort((a, b) => {
    const aa = a.days !== null && a.days <= 183 ? a.days : Infinity;
    const bb = b.days !== null && b.days <= 183 ? b.days : Infinity;
    return aa - bb || a.key.localeCompare(b.key);
  });
  section.tables.push({
    id: 'capacity', titleJa: 'キャパシティ（使用量・前月比・前年同月比・枯渇予測）', titleEn: 'Capacity',
    columns: [
      { key: 'item', labelJa: '項目' }, { key: 'used', labelJa: '使用量' }, { key: 'total', labelJa: '総量' }, { key: 'percent', labelJa: '使用率(%)' },
      { key: 'mom', labelJa: '前月比' }, { key: 'yoy', labelJa: '前年同月比' }, { key: 'runsOut', labelJa: '枯渇予測日' }, { key: 'attention', labelJa: '注意' },
    ],
    rows: entries.map((e) => e.row), rowFigures: entries.map((e) => e.figures),
  });
  if (!entries.some((e) => e.table === 'platform_capacity_daily')) {
    section.missing.push('キャパシティのデータなし: この月の日次サンプル（platform_capacity_daily）がありません / no capacity samples for this month');
  }
  // The chart shows the first item whose total is known.
  const top = entries.find((e) => e.total !== null);
  if (!top) return { id: 'capacity', titleJa: 'キャパシティの推移と予測', kind: 'line', unit: '%', labels: [], series: [], threshold: null };
  const labels: string[] = [];
  const actual: (number | null)[] = [];
  const forecast: (number | null)[] = [];
  const byDay = new Map(top.series.map((p) => [p.day, p.percent]));
  for (let d = -89; d <= 90; d += 1) {
    const day = addDays(endDay, d);
    labels.push(day.slice(5));
    actual.push(d <= 0 ? byDay.get(day) ?? null : null);
    forecast.push(d >= 0 && top.slope !== null && top.intercept !== null && top.total! > 0 ? round((100 * (top.intercept + top.slope * dayIndex(day))) / top.total!, 1) : null);
  }
  return {
    id: 'capacity', titleJa: `キャパシティの推移と予測（${top.row.item}）`, kind: 'line', unit: '%', labels,
    series: [{ nameJa: '使用率', values: actual }, { nameJa: '予測（直近90日の一次回帰）', values: forecast, dashed: true }],
    threshold: { labelJa: '100%', value: 100 },
  };
}

/** Each database of the database platform at the month's end, with the change since last month's end (R-RPT-3). */
function buildDatabaseTable(section: SectionBuilder, storage: StorageRow[], endDay: string): void {
  const rows = storage.filter((r) => r.store === 'database_platform' && r.item !== '*' && r.day <= endDay).sort((a, b) => storageKey(a).localeCompare(storageKey(b)));
  if (rows.length === 0) return;
  const lastDay = rows.reduce((a, r) => (r.day > a ? r.day : a), '');
  if (lastDay <= addDays(endDay, -31)) return;
  const prevMonthEnd = addDays(`${endDay.slice(0, 7)}-01`, -1);
  const atEnd = rows.filter((r) => r.day === lastDay);
  const table: ReportTable = {
    id: 'databases', titleJa: `データベース別サイズ（${lastDay} 時点）`, titleEn: 'Databases',
    columns: [{ key: 'database', labelJa: 'データベース' }, { key: 'sizeGiB', labelJa: 'サイズ(GiB)' }, { key: 'mom', labelJa: '前月末比(GiB)' }],
    rows: [], rowFigures: [],
  };
  for (const r of atEnd) {
    const before = rows.filter((x) => x.item === r.item && x.day <= prevMonthEnd && x.day > addDays(prevMonthEnd, -31)).pop() ?? null;
    const size = section.figure(`database.${r.item}.size`, `データベース ${r.item} サイズ`, `Database ${r.item} size`, round(r.usedBytes / GIB, 3), 'GiB', {
      table: 'report_storage_daily', method: '月末（以前で最新）の pg_database_size()', keys: [storageKey(r)],
    });
    const mom = section.figure(`database.${r.item}.mom`, `データベース ${r.item} 前月末比`, `Database ${r.item} month on month`, before ? round((r.usedBytes - before.usedBytes) / GIB, 3) : null, 'GiB', {
      table: 'report_storage_daily', method: '月末のサイズ − 前月末のサイズ', keys: before ? [storageKey(r), storageKey(before)] : [storageKey(r)],
    });
    table.rows.push({ database: r.item, sizeGiB: round(r.usedBytes / GIB, 3), mom: before ? round((r.usedBytes - before.usedBytes) / GIB, 3) : null });
    table.rowFigures!.push({ sizeGiB: size, mom });
  }
  section.tables.push(table);
}

/** Traffic by link (R-RPT-4 / R-MON-3): the month's octets in and out per device interface, in GB (10⁹ bytes). */
function buildTraffic(section: SectionBuilder, rows: TrafficRow[]): void {
  if (rows.length === 0) {
    section.missing.push('回線別トラフィック（R-MON-3）: この月の日次集計（report_traffic_daily, SNMP IF-MIB）がありません / no traffic totals per link for this month');
    return;
  }
  const links = new Map<string, TrafficRow[]>();
  for (const r of [...rows].sort((a, b) => trafficKey(a).localeCompare(trafficKey(b)))) {
    const link = `${r.hostname}:${r.interface}`;
    if (!links.has(link)) links.set(link, []);
    links.get(link)!.push(r);
  }
  const table: ReportTable = {
    id: 'traffic', titleJa: '回線別トラフィック（月間合計）', titleEn: 'Traffic by link',
    columns: [
      { key: 'device', labelJa: '機器' }, { key: 'interface', labelJa: 'インターフェース' }, { key: 'inGB', labelJa: '受信(GB)' }, { key: 'outGB', labelJa: '送信(GB)' },
      { key: 'peakDay', labelJa: '最多の日' }, { key: 'days', labelJa: '集計日数' },
    ],
    rows: [], rowFigures: [],
  };
  for (const [link, days] of [...links.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const keys = days.map(trafficKey);
    const inGB = round(sum(days.map((d) => d.inOctets)) / GB, 3);
    const outGB = round(sum(days.map((d) => d.outOctets)) / GB, 3);
    const method = (dir: string) => `日次の ${dir} の増加量（snmp_exporter の IF-MIB カウンタ, Prometheus の increase）の月間合計 ÷ 10⁹`;
    const fin = section.figure(`traffic.${link}.in`, `${link} 受信`, `${link} in`, inGB, 'GB', { table: 'report_traffic_daily', method: method('ifHCInOctets'), keys });
    const fout = section.figure(`traffic.${link}.out`, `${link} 送信`, `${link} out`, outGB, 'GB', { table: 'report_traffic_daily', method: method('ifHCOutOctets'), keys });
    const peak = [...days].sort((a, b) => b.inOctets + b.outOctets - (a.inOctets + a.outOctets) || a.day.localeCompare(b.day))[0];
    table.rows.push({ device: days[0].hostname, interface: days[0].interface, inGB, outGB, peakDay: peak.inOctets + peak.outOctets > 0 ? peak.day : '—', days: days.length });
    table.rowFigures!.push({ inGB: fin, outGB: fout });
  }
  section.tables.push(table);
}
