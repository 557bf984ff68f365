import type { CaseStatus, SlaView, WorkPlan, Impact } from '../../../workflows/shared/case-model';

export type Role = 'general_affairs' | 'operator' | 'department' | 'auditor' | 'admin';
export type Bilingual = { ja: string; en: string };

export interface User {
  userId: string;
  username: string;
  displayName: string;
  email: string;
  roles: Role[];
  departmentId: string | null;
  departmentCode: string | null;
}

export interface Meta {
  name: string;
  mode: 'embedded' | 'standard';
  mailSinkUrl: string | null;
  temporalUiUrl: string | null;
}

export interface Department {
  id: string;
  code: string;
  nameJa: string;
  nameEn: string;
  email: string;
}

/** An account as the admin's user list shows it (GET /api/users). */
export interface UserAccount {
  id: string;
  username: string;
  displayName: string;
  email: string;
  roles: Role[];
  departmentId: string | null;
  departmentCode: string | null;
  disabled: boolean;
  lockedUntil: string | null;
  failedLogins: number;
  createdAt: string;
  updatedAt: string;
}

export interface CaseSummary {
  id: string;
  number: string;
  kind: 'incident' | 'work_request';
  kindLabel: Bilingual;
  subject: string;
  status: CaseStatus;
  statusLabel: Bilingual;
  resolution: 'completed' | 'rejected' | 'withdrawn' | null;
  severity: string | null;
  hostname: string | null;
  requestType: string | null;
  /** R-REC-5 影響度 */
  impact?: { scope: string | null; serviceStopped: boolean | null };
  occurredAt: string;
  assignee: string | null;
  approver: string | null;
  completedAt: string | null;
  dueAt: string | null;
  breached: boolean;
  nextRole: string | null;
  departmentIds: string[];
  alertCount: number;
  updatedAt: string;
  /** R-REC-6 対応内容 summary, only with `withActions=true` (exports). */
  actionCount?: number;
  lastAction?: { at: string; messageJa: string; messageEn: string } | null;
}

export interface TimelineItem {
  id: string;
  at: string;
  kind: string;
  actor: string | null;
  actorUsername: string | null;
  messageJa: string;
  messageEn: string;
  data: Record<string, unknown> | null;
}

export interface Task {
  id: string;
  caseId: string;
  caseNumber: string;
  type: string;
  label: Bilingual;
  assigneeRole: Role;
  departmentId: string | null;
  state: 'open' | 'done' | 'cancelled';
  dueAt: string | null;
  allowedOutcomes: string[];
  suggested: Record<string, unknown> | null;
  createdAt: string;
  completedAt: string | null;
  /** 担当: who took the step (claim), if anyone. */
  claimedBy: { username: string; name: string; at: string | null } | null;
  completedBy: string | null;
  outcome: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
}

export interface CaseDetail extends CaseSummary {
  record: {
    subject: string;
    assignee: string | null;
    occurredAt: string;
    status: CaseStatus;
    statusLabel: Bilingual;
    impact: Impact | null;
    actions: number;
    workPlan: WorkPlan | null;
    approver: string | null;
    completedAt: string | null;
  };
  description: string | null;
  params: Record<string, unknown> | null;
  unregisteredDevice: boolean;
  sla: SlaView | null;
  timeline: TimelineItem[];
  openTasks: Task[];
  doneTasks: Task[];
}

export interface Page<T> {
  items: T[];
  /** Exact when `totalExact` is not false; otherwise "at least this many" (the case list caps its count). */
  total: number;
  totalExact?: boolean;
  limit: number;
  offset: number;
}

export interface Asset {
  id: string;
  hostname: string;
  kind: string;
  address: string | null;
  subPlatform: string;
  businessSystems: string[];
  departments: Department[];
  vendorDesk: { name: string; email: string; phone: string | null } | null;
  protected: boolean;
  notes: string | null;
  /** 廃止: kept for history, hidden from lists and pickers by default. */
  retired: boolean;
  retiredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NonBusinessDay {
  date: string;
  kind: 'national_holiday' | 'closing_day';
  nameJa: string;
  nameEn: string;
  onWeekend: boolean;
}

export interface ClosingDay {
  date: string;
  nameJa: string;
  nameEn: string;
  createdBy: string | null;
  createdAt: string;
}

export interface CalendarSettings {
  openMinutes: number;
  closeMinutes: number;
  closingPeriodFrom: string | null;
  closingPeriodTo: string | null;
  updatedAt?: string;
  updatedBy?: string | null;
}

export interface AlertSource {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/* ---- auditor views (src/audit-history, src/audit) ---- */

export interface HistoryEvent {
  eventId: number;
  at: string;
  eventType: string;
  kind: string;
  ja: string;
  en: string;
  actor?: string | null;
  actorUsername?: string | null;
  data?: Record<string, unknown>;
}

export interface HistoryArchiveInfo {
  archivedAt: string;
  archivedBy: string;
  sha256: string;
  compressedBytes: number;
  jsonBytes: number;
  checksumVerified: boolean;
}

export interface CaseHistoryView {
  source: 'temporal' | 'archive';
  workflowId: string;
  runId: string;
  workflowType: string;
  status: string;
  eventCount: number;
  startTime: string | null;
  closeTime: string | null;
  sha256: string;
  archive: HistoryArchiveInfo | null;
  timeline: HistoryEvent[];
}

export interface ReplayResult {
  ok: boolean;
  case: string;
  source: 'temporal' | 'archive';
  workflowId: string;
  runId: string | null;
  workflowType: string;
  eventCount: number;
  durationMs: number;
  problem?: {
    kind: 'nondeterminism' | 'workflow_task_failure' | 'internal';
    eventId: number | null;
    eventType: string | null;
    eventTime: string | null;
    historyDid: { ja: string; en: string } | null;
    codeDid: { ja: string; en: string } | null;
    ja: string;
    en: string;
    sdkMessage: string;
  };
}

export interface ConsistencyResult {
  case: string;
  source: string;
  runId: string;
  consistent: boolean;
  toleranceMs: number;
  checked: { steps: number; tasks: number; holdsAndResumes: number; emails: number; timelineEntries: number };
  mismatches: Array<{ kind: string; ja: string; en: string; eventId?: number; timelineKey?: string; expected?: unknown; actual?: unknown }>;
}

export interface AuditEntry {
  seq: number;
  id: string;
  at: string;
  actor: { id: string | null; username: string | null; displayName: string | null; roles: string[] } | null;
  action: string;
  target: string | null;
  requestId: string | null;
  sourceAddress: string | null;
  outcome: string;
  status: number | null;
  change: unknown;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  lastSeq: number;
  headHash: string;
  firstBroken: { seq: number; id: string | null; reason: 'altered' | 'link' | 'missing' | 'head'; message: string } | null;
}
