import { proxyActivities } from '@temporalio/workflow';
import type {
  BackupCatalogActivities, BackupMailActivities, CalendarActivities, CaseMailActivities, CaseRecordActivities, CompensationActivities,
  DeskActivities, InventoryActivities, OperationRunActivities, ReportActivities,
} from './shared/contracts';

/**
 * One timeout profile per kind of activity, each proxying only the activities it is for (the
 * interfaces of workflows/shared/contracts/). Writes to the case record and e-mail retry until they
 * succeed (the record must not miss a step); every one of them is idempotent by its key.
 */
const RECORD_PROFILE = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

/** The case record, and the short reads from the inventory that go with it. */
export const recordActivities = proxyActivities<CaseRecordActivities & InventoryActivities>(RECORD_PROFILE);

/**
 * The backup catalog's housekeeping (pruning expired backups): short database and file work, with
 * the same timeouts and retries as the record (so the commands of existing histories are unchanged).
 */
/**
 * The support desk's short database work (R-DESK-1: its SLA plan, attachments, actors, links
 * between cases): the record's timeouts and retries (so the commands of the committed inquiry
 * histories are unchanged).
 */
export const deskActivities = proxyActivities<DeskActivities>(RECORD_PROFILE);

export const catalogActivities = proxyActivities<BackupCatalogActivities>(RECORD_PROFILE);

/** Case e-mail and the operators' backup-failure e-mail. */
export const mailActivities = proxyActivities<CaseMailActivities & BackupMailActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export const calendarActivities = proxyActivities<CalendarActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Operation items (R-OP-1..9) and backups: long, heartbeating. A worker that dies mid-operation is
 * noticed within the heartbeat timeout and the activity resumes elsewhere (every operation is
 * idempotent by its key); transient faults retry with backoff, permanent ones fail at once
 * (non-retryable failures) so the workflow can compensate and ask the operator.
 */
export const operationActivities = proxyActivities<OperationRunActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Undoing half-done work must not give up easily: it retries longer than the operation itself. */
export const compensationActivities = proxyActivities<CompensationActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 20 },
});

/** The monthly report's short steps: figures from PostgreSQL and Prometheus, status, mail. */
export const reportActivities = proxyActivities<ReportActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

/** Rendering the workbook and printing the PDF (Chromium): a few seconds, bounded attempts. */
export const reportRenderActivities = proxyActivities<Pick<ReportActivities, 'renderReport'>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});
