import type { WorkflowHandle } from '@temporalio/client';
import { getCaseState, type CaseStateView } from '../../workflows/shared/messages';

const WAIT_MS = 15_000;
/** With a registration check, the workflow is still asked at least this often. */
const QUERY_EVERY_MS = 1_000;
/** One query's longest wait (a healthy server answers in milliseconds). */
const QUERY_DEADLINE_MS = 3_000;

/** Runs one SQL statement with positional `?` parameters (MikroORM's connection `execute`). */
export type SqlExecute = (sql: string, params: unknown[]) => Promise<unknown[]>;

/** `WaitOptions.registered` for a run: whether registerCase has written its case_record row yet. */
export function caseRowWritten(execute: SqlExecute, runId: string): () => Promise<boolean> {
  return async () => (await execute('select 1 from case_record where run_id = ? limit 1', [runId])).length > 0;
}

export interface WaitOptions {
  /**
   * Whether the case row is in the database yet. Until it is, the workflow cannot have its number,
   * and asking the database is far cheaper than a workflow query (a round trip through the Temporal
   * server and a worker, several per new case under load).
   */
  registered?: () => Promise<boolean>;
}

/**
 * A new case gets its number from its first activity; the API waits (briefly) for it so the caller
 * gets `INC-2026-0001` in the answer. Returns null if the worker is not running.
 */
export async function waitForCaseNumber(
  handle: WorkflowHandle,
  ready: (state: CaseStateView) => boolean = (s) => !!s.caseNumber,
  options: WaitOptions = {},
): Promise<CaseStateView | null> {
  const deadline = Date.now() + WAIT_MS;
  let delay = 10;
  let queriedAt = 0;
  while (Date.now() < deadline) {
    const now = Date.now();
    const ask = !options.registered || now - queriedAt >= QUERY_EVERY_MS || (await options.registered().catch(() => true));
    if (ask) {
      queriedAt = now;
      try {
        // Each question has its own deadline: a hung server must not hold the answer past WAIT_MS.
        const state = await handle.client.connection.withDeadline(Math.min(deadline, Date.now() + QUERY_DEADLINE_MS), () => handle.query(getCaseState));
        if (ready(state)) return state;
      } catch {
        // No worker has picked the workflow up yet.
      }
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
  return null;
}
