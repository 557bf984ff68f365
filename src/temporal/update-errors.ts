import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '../../workflows/shared/messages';
import { DomainError } from '../common/errors';

/**
 * Update validators reject before anything is written to the history; their ApplicationFailure
 * types become the HTTP answers: forbidden → 403, conflict → 409, invalid → 422 naming the field.
 */
export function toDomainError(error: unknown): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const failure = error.cause;
    if (failure.type === FAILURE_TYPES.forbidden) return new DomainError('forbidden', failure.message);
    if (failure.type === FAILURE_TYPES.conflict) return new DomainError('conflict', failure.message);
    if (failure.type === FAILURE_TYPES.invalid) return new DomainError('unprocessable', failure.message, typeof failure.details?.[0] === 'string' ? failure.details[0] : undefined);
  }
  if (error instanceof WorkflowNotFoundError) return new DomainError('conflict', 'The case workflow has finished or cannot be found / 案件は既に終了しています');
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return new DomainError('unavailable', 'The workflow did not answer in time; try again / 応答がありません');
  return error;
}
