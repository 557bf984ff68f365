import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
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
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadlineExceeded(error)) return noAnswerInTime();
  return error;
}

/**
 * How long a person's step may wait for the workflow. A hung Temporal server would otherwise hold
 * the request (and the person) without end; a healthy one answers in well under a second.
 */
export const HUMAN_STEP_DEADLINE_MS = 10_000;

/** Runs a human step's Update (or signal) under HUMAN_STEP_DEADLINE_MS. */
export function withinHumanStepTime<T>(client: Client, call: () => Promise<T>): Promise<T> {
  return client.connection.withDeadline(Date.now() + HUMAN_STEP_DEADLINE_MS, call);
}

/**
 * 503 when the workflow did not answer in time. Whether it was taken cannot be known here: a step
 * sent again is refused as done (409) if it was, never taken twice; a new case should be looked
 * for in the work history first.
 */
function noAnswerInTime(): DomainError {
  return new DomainError(
    'unavailable',
    'ワークフロー基盤から時間内に応答がありませんでした。保存されたかどうか確認できません。作業履歴で確認してから、必要なら再度実行してください（完了済みの作業は「既に完了」と表示されます）。 / The workflow engine did not answer in time, so whether this was saved is unknown. Check the work history, then try again if needed (a step already done is refused as done).',
  );
}

function isDeadlineExceeded(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 6; current = (current as { cause?: unknown }).cause, depth++) {
    const e = current as { code?: unknown; message?: unknown };
    if (e.code === GRPC_DEADLINE_EXCEEDED || (typeof e.message === 'string' && /DEADLINE_EXCEEDED/.test(e.message))) return true;
  }
  return false;
}

const GRPC_DEADLINE_EXCEEDED = 4;
