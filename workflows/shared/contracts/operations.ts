/**
 * Inputs and results of the operation activities (R-OP-1..9, R-SCHED-2). The results carry what is
 * recorded on the case — never a password or another secret. Implemented by
 * src/operations/operations.service.ts through activities/operations.activities.ts.
 */

export type BackupTargetKind = 'vm' | 'database';
export type BackupReason = 'scheduled' | 'final' | 'pre_restore' | 'on_request';

export interface RunOperationInput {
  /** Idempotency key: case number + step (+ round after a retry from execution_failed). */
  key: string;
  caseId: string;
  caseNumber: string;
  type: string;
  params: Record<string, unknown>;
  /** The requesting department (gets the one-time credentials, owns the new inventory entry). */
  departmentId: string | null;
  /** Who is accountable for the run (the operator who planned it), for the catalog. */
  requestedBy: string;
}

export interface OperationOutcome {
  /** `manual`: this target cannot be driven automatically; the operator does it by hand. */
  handledBy: 'automation' | 'manual';
  summaryJa: string;
  summaryEn: string;
  /** Recorded on the case (`results`) and its timeline. */
  results: Record<string, unknown>;
  /** True when a simulator did the work (said plainly on the case). */
  simulated: boolean;
}

export interface CompensateInput {
  key: string;
  caseId: string;
  type: string;
  params: Record<string, unknown>;
  reason: string;
}

export interface CompensationOutcome {
  /** What was removed, e.g. `VM vm-a`, `database zeimu_test`. */
  undone: string[];
  /** What could not be undone and why (for the operator). */
  left: string[];
  summaryJa: string;
  summaryEn: string;
}

/** One backup target (a VM or a database of the platform). */
export interface BackupTarget {
  targetKind: BackupTargetKind;
  targetName: string;
}

export interface ScheduledBackupInput extends BackupTarget {
  /** The scheduled run's workflow id: one backup per run. */
  runKey: string;
}

export interface BackupFailureInput extends ScheduledBackupInput {
  error: string;
}

export interface BackupFailureNotice {
  sent: boolean;
  to: string[];
}

export interface BackupSummary {
  backupId: string;
  targetKind: BackupTargetKind;
  targetName: string;
  reason: BackupReason;
  status: string;
  file: string;
  sizeBytes: number | null;
  sha256: string | null;
  startedAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
  retentionDays: number;
  requestedBy: string;
}

export interface PruneSummary {
  pruned: string[];
  kept: number;
}
