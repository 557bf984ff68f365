/**
 * Inputs and results of every workflow type the worker registers (workflows/index.ts). The API
 * (src/) starts workflows with these; it never imports the workflow files themselves.
 */
import type { ActorRef, Severity } from '../case-model';
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
