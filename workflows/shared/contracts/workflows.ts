/**
 * Inputs and results of every workflow type the worker registers (workflows/index.ts). The API
 * (src/) starts workflows with these; it never imports the workflow files themselves.
 */
import type { ActorRef, Severity } from '../case-model';
import type { CaseFollower, InquiryInput, InquiryResult } from './desk';
import type { DailyFiguresInput, GatherAvailabilityResult, GatherDailyFiguresResult, MonthlyReportInput, MonthlyReportResult, ScheduledReportPlan } from './reports';
import type { BackupSummary, BackupTarget, PruneSummary } from './operations';

/** R-FLOW-1 障害対応. */
export interface IncidentInput {
  source: 'alert' | 'manual';
  hostname: string;
  alertName: string | null;
  subject: string;
  summary: string;
  severity: Severity;
  detectedAt: string;
  reportedBy?: ActorRef | null;
  /** Read from the configuration when the case starts, so a replay uses the same value. */
  vendorSilenceBusinessHours: number;
  /** The asker of the inquiry this incident was converted from: told its number, its recovery and its closing. */
  follower?: CaseFollower | null;
}

export interface IncidentResult {
  caseNumber: string;
  resolution: string;
}

/** R-FLOW-2 作業依頼. */
export interface WorkRequestInput {
  requestId: string;
  type: string;
  subject: string;
  params: Record<string, unknown>;
  desiredDate: string | null;
  note: string | null;
  requester: ActorRef;
  departmentId: string;
  departmentName: string;
  submittedAt: string;
  /** The asker of the inquiry this request was converted from (when not the requester): told its steps. */
  follower?: CaseFollower | null;
}

export interface WorkRequestResult {
  caseNumber: string;
  resolution: 'completed' | 'rejected' | 'withdrawn';
}

/** R-SCHED-2 / R-OP-8: one scheduled backup of one target. */
export type BackupWorkflowInput = BackupTarget;

export interface BackupWorkflowResult {
  backup: BackupSummary;
  pruned: PruneSummary;
}

/**
 * The signature of every workflow type the worker registers, by its registered name. The API
 * starts a workflow through this table (src/temporal/typed-workflows.ts), so the name and the
 * arguments are checked together; workflows/index.ts checks that the registered functions have
 * exactly these signatures. No workflow code reaches the API this way.
 */
export interface WorkflowSignatures {
  incidentWorkflow: (input: IncidentInput) => Promise<IncidentResult>;
  workRequestWorkflow: (input: WorkRequestInput) => Promise<WorkRequestResult>;
  backupWorkflow: (input: BackupWorkflowInput) => Promise<BackupWorkflowResult>;
  /** R-DESK-1 問い合わせ (contracts/desk.ts). */
  inquiryWorkflow: (input: InquiryInput) => Promise<InquiryResult>;
  /** R-RPT-1..5 月次報告. */
  monthlyReportWorkflow: (input: MonthlyReportInput) => Promise<MonthlyReportResult>;
  monthlyReportScheduleWorkflow: (input: Record<string, never>) => Promise<ScheduledReportPlan>;
  dailyFiguresWorkflow: (input: DailyFiguresInput) => Promise<GatherAvailabilityResult & { dailyFigures?: GatherDailyFiguresResult }>;
}

export type WorkflowType = keyof WorkflowSignatures;

/** The registered names, typed: `WORKFLOW_TYPE.incidentWorkflow === 'incidentWorkflow'`. */
export const WORKFLOW_TYPE = {
  incidentWorkflow: 'incidentWorkflow',
  workRequestWorkflow: 'workRequestWorkflow',
  backupWorkflow: 'backupWorkflow',
  inquiryWorkflow: 'inquiryWorkflow',
  monthlyReportWorkflow: 'monthlyReportWorkflow',
  monthlyReportScheduleWorkflow: 'monthlyReportScheduleWorkflow',
  dailyFiguresWorkflow: 'dailyFiguresWorkflow',
} as const satisfies { [K in WorkflowType]: K };
