import { ApplicationFailure, Context } from '@temporalio/activity';
import type { OperationsService, Work } from '../src/operations/operations.service';
import { ProviderError, type Progress } from '../src/providers/provider-error';
import type {
  BackupFailureInput, BackupFailureNotice, BackupSummary, BackupTarget, CompensateInput, CompensationOutcome, OperationActivities, OperationOutcome,
  PruneSummary, RunOperationInput, ScheduledBackupInput,
} from '../workflows/shared/contracts';

/** How often a long operation heartbeats even when its provider reports nothing new. */
const HEARTBEAT_EVERY_MS = 5_000;

/**
 * The operation items as activities (R-OP-1..9, R-SCHED-2). Long ones heartbeat their progress;
 * retryable provider errors are left to Temporal's retry policy (backoff), permanent ones fail at
 * once as non-retryable ApplicationFailures typed by their code (capacity, protected, ...), so the
 * workflow compensates and asks the operator. Results never carry a secret: a new database's
 * password is sealed in the database from inside `runOperation`.
 */
export function createOperationActivities(deps: { operations?: OperationsService }): OperationActivities {
  const service = (): OperationsService => {
    if (!deps.operations) throw ApplicationFailure.nonRetryable('operations are not wired into this worker', 'OperationsUnavailable');
    return deps.operations;
  };
  return {
    runOperation(input: RunOperationInput): Promise<OperationOutcome> {
      return inActivity((work) => service().run(input, work));
    },
    compensateOperation(input: CompensateInput): Promise<CompensationOutcome> {
      return inActivity(() => service().compensate(input));
    },
    runScheduledBackup(input: ScheduledBackupInput): Promise<BackupSummary> {
      return inActivity((work) => service().scheduledBackup(input, work));
    },
    pruneBackups(input: BackupTarget): Promise<PruneSummary> {
      return inActivity(() => service().prune(input));
    },
    notifyBackupFailure(input: BackupFailureInput): Promise<BackupFailureNotice> {
      return inActivity(() => service().notifyBackupFailure(input));
    },
  };
}

/** Runs provider work inside the activity: progress → heartbeats, cancellation → abort, errors → failures. */
async function inActivity<T>(body: (work: Work) => Promise<T>): Promise<T> {
  const context = Context.current();
  let last: Progress | null = null;
  const beat = () => context.heartbeat(last);
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  try {
    return await body({
      progress: (progress) => {
        last = progress;
        beat();
      },
      signal: context.cancellationSignal,
    });
  } catch (error) {
    throw toFailure(error);
  } finally {
    clearInterval(timer);
  }
}

function toFailure(error: unknown): unknown {
  if (!(error instanceof ProviderError)) return error;
  return error.retryable
    ? ApplicationFailure.retryable(error.message, `Provider.${error.code}`)
    : ApplicationFailure.nonRetryable(error.message, `Provider.${error.code}`);
}
