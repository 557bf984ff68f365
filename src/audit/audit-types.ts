/** What the audit log records, shared by the log service and the request context (no cycle between them). */
import type { Actor } from '../identity/current-user';

export type AuditOutcome = 'ok' | 'refused' | 'failed';

/** Who acted: a signed-in user (Actor), or another identity such as the audit CLI's operating-system user. */
export type AuditActor = Actor | { userId?: string | null; username: string; displayName?: string | null; roles?: readonly string[] };

/** What callers give to record(): request id and source address default to the current request's. */
export interface AuditRecordInput {
  actor: AuditActor | null;
  action: string;
  target?: string;
  change?: unknown;
  requestId?: string;
  sourceAddress?: string;
  outcome?: AuditOutcome | 'success' | 'failure';
  /** The HTTP status answered, for entries that describe a request. */
  status?: number;
}
