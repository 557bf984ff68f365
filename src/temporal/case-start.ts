import type { WorkflowHandle } from '@temporalio/client';
import { getCaseState, type CaseStateView } from '../../workflows/shared/messages';

const WAIT_MS = 15_000;
/** With a registration check, the workflow is still asked at least this often. */
const QUERY_EVERY_MS = 1_000;
/** One query's longest wait (a healthy server answers in milliseconds). */
const QUERY_DEADLINE_MS = 3_000;

/** Runs one SQL statement with positional `?` parameters (MikroORM's connection `execute`). */
export type SqlExecute = (sql: string, params: unknown[]) => Promise<unknown[]>;

/** The case row registerCase writes for a run: enough to answer "which case is it?" without asking the workflow. */
export interface CaseRow {
  caseId: string;
  caseNumber: string;
  /** The alert whose signal started the incident (null for other cases and for incidents from before the column). */
  openedByAlertId: string | null;
}

/** registerCase notifies this channel (payload: the run id) in the transaction that writes the case row. */
export const CASE_REGISTERED_CHANNEL = 'opsdesk_case_registered';

/** `WaitOptions.registered` for a run: its case_record row, once registerCase has written it. */
export function caseRowOf(execute: SqlExecute, runId: string): () => Promise<CaseRow | null> {
  return async () => {
    const [row] = (await execute('select id, number, opened_by_alert_id from case_record where run_id = ? limit 1', [runId])) as Array<{ id: string; number: string; opened_by_alert_id: string | null }>;
    return row ? { caseId: row.id, caseNumber: row.number, openedByAlertId: row.opened_by_alert_id } : null;
  };
}

export interface WaitOptions {
  /**
   * The case row, once it is in the database. Until it is, the workflow cannot have its number,
   * and asking the database is far cheaper than a workflow query (a round trip through the Temporal
   * server and a worker, several per new case under load).
   */
  registered?: () => Promise<CaseRow | null>;
  /** Resolves when the row may have been written (a notification for this run) or after `ms`; else a plain sleep. */
  wake?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Tries `attempt` until it gives a value or WAIT_MS have passed (then null), waking between tries
 * after a delay that doubles from `delays.first` up to `delays.most`, never past the deadline.
 */
async function retryUntilDeadline<T>(
  attempt: (deadline: number) => Promise<T | null>,
  wake: (ms: number) => Promise<void>,
  delays: { first: number; most: number },
): Promise<T | null> {
  const deadline = Date.now() + WAIT_MS;
  let delay = delays.first;
  while (Date.now() < deadline) {
    const value = await attempt(deadline);
    if (value !== null) return value;
    await wake(Math.min(delay, Math.max(0, deadline - Date.now())));
    delay = Math.min(delay * 2, delays.most);
  }
  return null;
}

/**
 * A new case's number and id from its row, for an answer that needs nothing else: no workflow
 * query at all. Woken by registerCase's notification; polls while none comes. Null after 15 s.
 */
export function waitForCaseRow(registered: () => Promise<CaseRow | null>, wake: (ms: number) => Promise<void> = sleep): Promise<CaseRow | null> {
  return retryUntilDeadline(() => registered().catch(() => null), wake, { first: 50, most: 500 });
}

/**
 * A new case gets its number from its first activity; the API waits (briefly) for it so the caller
 * gets `INC-2026-0001` in the answer. Returns null if the worker is not running.
 */
export function waitForCaseNumber(
  handle: WorkflowHandle,
  ready: (state: CaseStateView) => boolean = (s) => !!s.caseNumber,
  options: WaitOptions = {},
): Promise<CaseStateView | null> {
  // With a registration check, the first question waits for the row (or a second).
  let queriedAt = options.registered ? Date.now() : 0;
  const askWorkflow = async (deadline: number): Promise<CaseStateView | null> => {
    const now = Date.now();
    const ask = !options.registered || now - queriedAt >= QUERY_EVERY_MS || (await options.registered().then((row) => row !== null, () => true));
    if (!ask) return null;
    queriedAt = now;
    try {
      // Each question has its own deadline: a hung server must not hold the answer past WAIT_MS.
      const state = await handle.client.connection.withDeadline(Math.min(deadline, Date.now() + QUERY_DEADLINE_MS), () => handle.query(getCaseState));
      return ready(state) ? state : null;
    } catch {
      return null; // No worker has picked the workflow up yet.
    }
  };
  return retryUntilDeadline(askWorkflow, options.wake ?? sleep, { first: 10, most: 250 });
}
