import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a log line knows about the work it belongs to. One object per HTTP request or activity
 * execution, filled in as the facts become known (the user after the guard, the case number once
 * the route or the activity names it), so every line written inside carries them.
 */
export interface LogContext {
  requestId?: string;
  user?: string;
  caseNumber?: string;
  /** When one request touches several cases (alert intake), all of them, comma-separated. */
  caseNumbers?: string;
  workflowId?: string;
  runId?: string;
  activityType?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** Adds facts to the current request's or activity's context (no-op outside one). */
export function annotateLogContext(facts: Partial<LogContext>): void {
  const context = storage.getStore();
  if (!context) return;
  for (const [key, value] of Object.entries(facts) as Array<[keyof LogContext, string | undefined]>) {
    if (value) context[key] = value;
  }
}

/** INC-2026-0001, REQ-2026-0012, also inside task ids such as INC-2026-0001-T3. */
export const CASE_NUMBER_PATTERN = /\b(?:INC|REQ)-\d{4}-\d{4,}\b/;
