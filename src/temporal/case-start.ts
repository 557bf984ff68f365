import type { WorkflowHandle } from '@temporalio/client';
import { getCaseState, type CaseStateView } from '../../workflows/shared/messages';

const WAIT_MS = 15_000;

/**
 * A new case gets its number from its first activity; the API waits (briefly) for it so the caller
 * gets `INC-2026-0001` in the answer. Returns null if the worker is not running.
 */
export async function waitForCaseNumber(handle: WorkflowHandle, ready: (state: CaseStateView) => boolean = (s) => !!s.caseNumber): Promise<CaseStateView | null> {
  const deadline = Date.now() + WAIT_MS;
  let delay = 10;
  while (Date.now() < deadline) {
    try {
      const state = await handle.query(getCaseState);
      if (ready(state)) return state;
    } catch {
      // No worker has picked the workflow up yet.
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
  return null;
}
