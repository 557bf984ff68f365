/**
 * The monthly report (R-RPT-1..5): what the workflows hand the report activities and get back.
 * Types only; the figures themselves are computed in src/reports/figures.ts.
 */
import type { ActorRef } from '../case-model';

export const REPORT_SECTIONS = ['vms', 'platform', 'capacity', 'work', 'open_issues'] as const;
export type ReportSectionId = (typeof REPORT_SECTIONS)[number];

export const REPORT_SECTION_LABELS: Record<ReportSectionId, { ja: string; en: string; requirement: string }> = {
  vms: { ja: '仮想マシンの運用実績', en: 'VM operation results', requirement: 'R-RPT-1' },
  platform: { ja: '基盤の運用実績', en: 'Platform operation results', requirement: 'R-RPT-2' },
  capacity: { ja: 'キャパシティ', en: 'Capacity', requirement: 'R-RPT-3' },
  work: { ja: '作業実績', en: 'Work results', requirement: 'R-RPT-4' },
  open_issues: { ja: '未解決の課題', en: 'Open issues', requirement: 'R-RPT-5' },
};

export type ReportStatus = 'gathering' | 'commenting' | 'approval' | 'approved' | 'failed';

/** Where a figure came from: a table and the keys of the rows it was computed from. */
export interface FigureSource {
  table: 'report_availability_daily' | 'platform_capacity_daily' | 'case_record' | 'case_timeline' | 'backup_record' | 'asset'
    | 'report_vm_resource_daily' | 'report_traffic_daily' | 'report_storage_daily';
  /** How the rows were chosen and combined, in words. */
  method: string;
  keys: string[];
}

export interface Figure {
  id: string;
  labelJa: string;
  labelEn: string;
  value: number | string | null;
  unit: string;
  source: FigureSource;
}

export type Cell = string | number | null;

export interface ReportTable {
  id: string;
  titleJa: string;
  titleEn: string;
  columns: { key: string; labelJa: string }[];
  rows: Record<string, Cell>[];
  /** Figure ids of each row's cells (`figure:<id>`), so the page links a cell to its sources. */
  rowFigures?: Record<string, string>[];
  /** Per row: the department it belongs to, for the department view setting. */
  rowDepartments?: (string | null)[];
}

export interface ReportChart {
  id: 'availability' | 'capacity' | 'sla_monthly' | 'incidents_weekly';
  titleJa: string;
  kind: 'bar' | 'line';
  unit: string;
  labels: string[];
  series: { nameJa: string; values: (number | null)[]; dashed?: boolean }[];
  /** Optional horizontal line (a capacity total, a target). */
  threshold?: { labelJa: string; value: number } | null;
}

export interface ReportSection {
  id: ReportSectionId;
  requirement: string;
  titleJa: string;
  titleEn: string;
  figures: Figure[];
  tables: ReportTable[];
  /** Sources that were missing for the month, said in the report. */
  missing: string[];
}

export interface MonthlyFigures {
  month: string;
  /** Japan-time bounds of the month: [from, to). */
  from: string;
  to: string;
  sections: ReportSection[];
  charts: ReportChart[];
}

export interface GatherAvailabilityInput {
  /** Japan dates, inclusive. */
  fromDay: string;
  toDay: string;
}

export interface GatherAvailabilityResult {
  /** Whether Prometheus was there to ask. */
  prometheus: boolean;
  daysGathered: number;
  rows: number;
  reason: string | null;
}

/**
 * The nightly figures besides availability: VM CPU / memory / disk (R-RPT-1) and traffic per
 * interface (R-RPT-4 / R-MON-3) from Prometheus for each day, and the database platform's and
 * the backup store's use (R-RPT-3), sampled for `toDay` only when it is the day that has just ended.
 */
export interface GatherDailyFiguresResult {
  prometheus: boolean;
  daysGathered: number;
  resourceRows: number;
  trafficRows: number;
  /** Why Prometheus was not asked (null: it was). */
  reason: string | null;
  storage: { sampled: boolean; rows: number; reasons: string[] };
}

export interface ReportRef {
  reportId: string;
}

export interface ComputeFiguresResult {
  figuresSha256: string;
  missing: string[];
}

export interface RenderReportInput extends ReportRef {
  stage: 'draft' | 'final';
}

export interface RenderedFile {
  kind: 'xlsx' | 'pdf';
  sha256: string;
  size: number;
}

export interface ReportStatusInput extends ReportRef {
  status: ReportStatus;
  event?: Record<string, unknown> | null;
  comments?: Record<string, string> | null;
}

export interface MailReportResult {
  messageId: string;
}

export interface PlanScheduledReportInput {
  /** The instant the schedule fired. */
  at: string;
}

export interface ScheduledReportPlan {
  run: boolean;
  /** The month reported on (the month before `at`, in Japan). */
  month: string;
  /** The first business day of `at`'s month in Japan. */
  firstBusinessDay: string;
  reportId: string | null;
  workflowId: string | null;
}

export interface MonthlyReportInput {
  reportId: string;
  month: string;
}

export interface MonthlyReportResult {
  reportId: string;
  status: ReportStatus;
  files: RenderedFile[];
}

export interface DailyFiguresInput {
  /** The day to gather (Japan date); default: yesterday in Japan at the time the workflow runs. */
  day?: string;
}

// ---- Human steps (Updates) --------------------------------------------------------------

export interface ReportCommentsInput {
  comments: Partial<Record<ReportSectionId, string>>;
  actor: ActorRef;
}

export interface ReportDecisionInput {
  outcome: 'approve' | 'send_back';
  reason?: string;
  actor: ActorRef;
}

export interface ReportStateView {
  reportId: string;
  month: string;
  status: ReportStatus;
  comments: Partial<Record<ReportSectionId, string>>;
  /** The open step: `report_comments` (operators) or `approve_report` (general affairs). */
  openTask: { type: 'report_comments' | 'approve_report'; role: 'operator' | 'general_affairs' } | null;
  sendBacks: { reason: string; by: string; at: string }[];
}
