import type { CaseKind } from './ids';
import type { Role } from './roles';

/** R-REC-4 対応状況. */
export const CASE_STATUSES = ['received', 'in_progress', 'on_hold', 'verifying', 'done'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const STATUS_LABELS: Record<CaseStatus, { ja: string; en: string }> = {
  received: { ja: '受付済', en: 'Received' },
  in_progress: { ja: '対応中', en: 'In progress' },
  on_hold: { ja: '保留中', en: 'On hold' },
  verifying: { ja: '確認中', en: 'Verifying' },
  done: { ja: '完了', en: 'Done' },
};

/** A work request can also end without being done; the record keeps why. */
export type CaseResolution = 'completed' | 'rejected' | 'withdrawn';

export const SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABELS: Record<Severity, { ja: string; en: string }> = {
  critical: { ja: '緊急', en: 'Critical' },
  major: { ja: '重大', en: 'Major' },
  minor: { ja: '軽微', en: 'Minor' },
  warning: { ja: '警告', en: 'Warning' },
  info: { ja: '情報', en: 'Info' },
};

export const KIND_LABELS: Record<CaseKind, { ja: string; en: string }> = {
  incident: { ja: '障害対応', en: 'Incident' },
  work_request: { ja: '作業依頼', en: 'Work request' },
};

/** Who acts, as the workflow and the policy see them: the roles of workflows/shared/roles.ts. */
export type ActorRole = Role;

export interface ActorRef {
  userId: string;
  username: string;
  displayName: string;
  roles: ActorRole[];
  departmentId: string | null;
  email?: string | null;
}

/** R-REC-5 影響度. */
export interface Impact {
  scope?: string;
  serviceStopped?: boolean;
  severity?: Severity;
}

/** R-REC-7 作業計画. */
export interface WorkPlan {
  plannedStart: string;
  plannedEnd: string;
  content: string;
  stopsService: boolean;
  plannedBy?: string;
  approvedBy?: string;
  approvedAt?: string;
}

export interface SlaView {
  kind: 'onsite' | 'resolution';
  startAt: string;
  dueAt: string;
  /** The due time before any pause moved it. */
  originalDueAt: string;
  warningsSent: number[];
  breached: boolean;
  breachedAt: string | null;
  paused: boolean;
  pausedSince: string | null;
  /** Business seconds spent paused so far (exact; never a rounded percentage). */
  pausedSeconds: number;
  stoppedAt: string | null;
  /** Whether the clock started in reception hours (R-SLA-1) or outside (R-SLA-2, next-day due); absent in records from before issue 22. */
  withinReceptionHours?: boolean;
}
