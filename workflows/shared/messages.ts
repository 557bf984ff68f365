import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActorRef, CaseStatus, Impact, SlaView, WorkPlan } from './case-model';
import type { CaseKind } from './ids';
import type { InquiryResolution } from './contracts';

/** Messages of the case workflows, shared by the workflow code and the API (one definition, two users). */

export interface OpenTaskView {
  taskId: string;
  type: string;
  assigneeRole: string;
  /** Only users of this department may complete it (department verification). */
  departmentId: string | null;
  dueAt: string | null;
  allowedOutcomes: string[];
  createdAt: string;
  /** Prefilled data for the form (e.g. the departments preselected from the inventory). */
  suggested: Record<string, unknown> | null;
}

export interface CaseStateView {
  kind: CaseKind;
  caseId: string | null;
  caseNumber: string | null;
  status: CaseStatus;
  resolution: string | null;
  subject: string;
  severity: string | null;
  impact: Impact;
  workPlan: WorkPlan | null;
  openTasks: OpenTaskView[];
  sla: SlaView | null;
  nextRole: string | null;
  alertCount: number;
  /** The alert that opened this incident (others joined it). */
  openedByAlertId: string | null;
  closed: boolean;
}

export interface CompleteTaskInput {
  taskId: string;
  outcome: string;
  note?: string;
  data?: Record<string, unknown>;
  actor: ActorRef;
}

export interface CompleteTaskResult {
  taskId: string;
  status: CaseStatus;
  openTasks: OpenTaskView[];
}

export interface HoldInput {
  reason: string;
  /** Only a hold that waits for the requester pauses a work request's SLA (R-SLA-3). */
  waitingFor: 'requester' | 'vendor' | 'other';
  actor: ActorRef;
}

export interface ResumeInput {
  reason: string;
  actor: ActorRef;
}

export interface AlertSignal {
  status: 'firing' | 'resolved';
  alertName: string;
  hostname: string;
  severity: string;
  summary: string;
  source: string;
  at: string;
  fingerprint?: string;
  /** Given by the API, to tell the caller whether its alert opened the incident or joined it. */
  alertId: string;
}

export const getCaseState = defineQuery<CaseStateView>('getCaseState');
export const completeTask = defineUpdate<CompleteTaskResult, [CompleteTaskInput]>('completeTask');
export const holdCase = defineUpdate<CaseStateView, [HoldInput]>('holdCase');
export const resumeCase = defineUpdate<CaseStateView, [ResumeInput]>('resumeCase');
export const alertReceived = defineSignal<[AlertSignal]>('alertReceived');
/** The maker's desk was heard from (a note or a logged call): restarts the silence reminder. */
export const vendorContacted = defineSignal<[{ at: string }]>('vendorContacted');

/**
 * Failure types thrown by Update validators and handlers; the API maps them to HTTP statuses
 * (forbidden → 403, conflict → 409, invalid → 422 with the field in details[0]).
 */
export const FAILURE_TYPES = {
  forbidden: 'OpsdeskForbidden',
  conflict: 'OpsdeskConflict',
  invalid: 'OpsdeskInvalid',
} as const;

// The inquiry (workflows/inquiry.workflow.ts)

export interface InquiryStateView {
  caseNumber: string | null;
  acknowledged: boolean;
  escalated: boolean;
  answer: string | null;
  reopenCount: number;
  linkedCaseNumber: string | null;
  resolution: InquiryResolution | null;
  /** The answer is out and the asker's confirmation is awaited. */
  awaitingConfirmation: boolean;
}

export const getInquiryState = defineQuery<InquiryStateView>('getInquiryState');

/** The asker's own answer to "is it solved?" (a department user in the UI): validated by the workflow. */
export interface AskerAnswerInput {
  outcome: 'confirmed' | 'reopened';
  note?: string;
  actor: ActorRef;
}

export const askerAnswer = defineUpdate<InquiryStateView, [AskerAnswerInput]>('askerAnswer');
