import { ActivityFailure, ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { catalogActivities, mailActivities, operationActivities } from './activity-profiles';
import type { BackupSummary, BackupWorkflowInput, BackupWorkflowResult } from './shared/contracts';

/**
 * R-SCHED-2 / R-OP-8: one scheduled backup of one target, started by the target's Temporal Schedule
 * (cron in Asia/Tokyo, overlap SKIP). Takes the backup (pg_dump or a hypervisor export, into the
 * catalog with its sha256), then prunes what the retention allows; a failure is e-mailed to the
 * operators and fails the run, so the schedule's history shows it too.
 */
export async function backupWorkflow(input: BackupWorkflowInput): Promise<BackupWorkflowResult> {
  const runKey = `${workflowInfo().workflowId}:${workflowInfo().runId}`;
  let backup: BackupSummary;
  try {
    backup = await operationActivities.runScheduledBackup({ ...input, runKey });
  } catch (error) {
    const reason = error instanceof ActivityFailure && error.cause ? error.cause.message : error instanceof Error ? error.message : String(error);
    await mailActivities.notifyBackupFailure({ ...input, runKey, error: reason });
    throw ApplicationFailure.nonRetryable(`backup of ${input.targetKind} ${input.targetName} failed: ${reason}`, 'BackupFailed');
  }
  // Old backups go only once a new one exists: a failing schedule never empties the catalog.
  const pruned = await catalogActivities.pruneBackups(input);
  return { backup, pruned };
}
