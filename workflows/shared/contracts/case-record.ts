/**
 * The case record (作業履歴) as the workflows write it through the record activities. Implemented
 * by src/cases/case-recorder.service.ts; the entities take their kinds from here.
 */
import type { CaseStatus, Impact, SlaView, WorkPlan } from '../case-model';
import type { CaseKind } from '../ids';

export interface RegisterCaseInput {
  kind: CaseKind;
  workflowId: string;
  runId: string;
  subject: string;
  occurredAt: string;
  severity?: string | null;
  hostname?: string | null;
  unregisteredDevice?: boolean;
  departmentIds?: string[];
  requesterId?: string | null;
  requestType?: string | null;
  params?: Record<string, unknown> | null;
  description?: string | null;
  impact?: Impact;
  createdBy?: string | null;
  alertCount?: number;
  /** The alert that opened an incident (its signal came with the start): the API tells a joining alert from it by the row alone. */
  openedByAlertId?: string | null;
}

export interface RegisteredCase {
  caseId: string;
  caseNumber: string;
}

export interface CasePatch {
  subject?: string;
  status?: CaseStatus;
  resolution?: string | null;
  assignee?: string | null;
  assigneeUsername?: string | null;
  impact?: Impact;
  workPlan?: WorkPlan | null;
  approver?: string | null;
  completedAt?: string | null;
  severity?: string | null;
  departmentIds?: string[];
  params?: Record<string, unknown> | null;
  description?: string | null;
  sla?: SlaView | null;
  results?: Record<string, unknown> | null;
  nextRole?: string | null;
  /** Added to the counter (alerts joining an open incident). */
  alertCountIncrement?: number;
}

export type TimelineKind =
  | 'created' | 'status' | 'alert' | 'task_opened' | 'task_completed' | 'email' | 'phone' | 'note'
  | 'sla_warning' | 'sla_breach' | 'hold' | 'resume' | 'plan' | 'escalation' | 'reminder' | 'operation';

export interface TimelineInput {
  kind: TimelineKind;
  actor?: string | null;
  actorUsername?: string | null;
  messageJa: string;
  messageEn: string;
  data?: Record<string, unknown> | null;
}

export type TaskState = 'open' | 'done' | 'cancelled';

export interface TaskOpenInput {
  taskId: string;
  type: string;
  assigneeRole: string;
  departmentId?: string | null;
  allowedOutcomes: string[];
  dueAt?: string | null;
  suggested?: Record<string, unknown> | null;
}

export interface TaskCloseInput {
  taskId: string;
  state: Exclude<TaskState, 'open'>;
  completedBy?: string | null;
  completedByUsername?: string | null;
  outcome?: string | null;
  note?: string | null;
  data?: Record<string, unknown> | null;
}

export interface CaseEventInput {
  caseId: string;
  /** Unique per step of the workflow: the same key twice is applied once. */
  key: string;
  at: string;
  patch?: CasePatch;
  entry: TimelineInput;
  openTasks?: TaskOpenInput[];
  closeTasks?: TaskCloseInput[];
}

/** The steps one workflow task recorded, applied in this order in one transaction. */
export interface CaseEventsInput {
  events: CaseEventInput[];
}
