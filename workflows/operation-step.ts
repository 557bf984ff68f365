import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { compensationActivities, operationActivities } from './activity-profiles';
import type { CaseEngine } from './case-engine';
import type { OperationOutcome } from './shared/contracts';
import type { RequestTypeDefinition } from './shared/request-types';

export interface AutomatedStep {
  engine: CaseEngine;
  definition: RequestTypeDefinition;
  params: Record<string, unknown>;
  departmentId: string;
  /** Who planned the work: accountable for the automated run (R-REC-2). */
  responsible: string;
}

/**
 * The execute step of an automated work request (R-OP-1..9): the operation runs as an activity at
 * the planned time and its result goes on the case (timeline + `results`). A permanent failure
 * (after the retries of transient ones) undoes the half-done work and opens `execution_failed`:
 * retry (a new key: nothing of the undone attempt is reused) or abandon (null: do it by hand).
 */
export async function executeAutomated(step: AutomatedStep): Promise<OperationOutcome | null> {
  const { engine, definition, params } = step;
  for (let round = 1; ; round++) {
    const key = `${engine.caseNumber}:execute:${round}`;
    await engine.record('operation-start', {
      kind: 'operation', actor: null,
      messageJa: `${definition.labelJa}を自動実行します（${key}）`, messageEn: `${definition.labelEn}: automated run started (${key})`, data: { key, type: definition.type },
    });
    try {
      const outcome = await operationActivities.runOperation({
        key, caseId: engine.caseId!, caseNumber: engine.caseNumber!, type: definition.type, params, departmentId: step.departmentId, requestedBy: step.responsible,
      });
      await engine.record('operation-done', {
        kind: 'operation', actor: null, messageJa: outcome.summaryJa, messageEn: outcome.summaryEn,
        data: { key, type: definition.type, handledBy: outcome.handledBy, simulated: outcome.simulated, results: outcome.results },
      }, { patch: { results: { type: definition.type, key, handledBy: outcome.handledBy, ...outcome.results }, assignee: step.responsible } });
      return outcome;
    } catch (error) {
      if (isCancellation(error)) throw error;
      const reason = failureReason(error);
      const undo = await compensationActivities
        .compensateOperation({ key, caseId: engine.caseId!, type: definition.type, params, reason })
        .catch((e: unknown) => ({ undone: [] as string[], left: [failureReason(e)], summaryJa: `取り消しに失敗しました: ${failureReason(e)}`, summaryEn: `Undo failed: ${failureReason(e)}` }));
      await engine.record('operation-failed', {
        kind: 'operation', actor: null,
        messageJa: `自動実行に失敗しました: ${reason}。${undo.summaryJa}`, messageEn: `Automated run failed: ${reason}. ${undo.summaryEn}`,
        data: { key, type: definition.type, error: reason, undone: undo.undone, left: undo.left },
      });
      const decision = await engine.humanTask('execution_failed', { suggested: { key, error: reason, undone: undo.undone, left: undo.left } });
      if (decision.outcome === 'abandon') return null;
    }
  }
}

function failureReason(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) return error.cause.message;
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}
