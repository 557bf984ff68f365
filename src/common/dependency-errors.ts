import { DomainError } from './errors';

/** Seconds a client should wait before trying again when a part is down (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 5;

export type Dependency = 'temporal' | 'database';

/** 503: a part of the platform is down and nothing was written; the message tells the person so. */
export function platformUnavailable(part: Dependency): DomainError {
  const [whatJa, whatEn] = part === 'temporal' ? ['ワークフロー基盤（Temporal）', 'the workflow engine (Temporal)'] : ['データベース', 'the database'];
  return new DomainError(
    'unavailable',
    `基盤に接続できないため保存されていません（${whatJa}に接続できません）。しばらくしてから再度実行してください。 / Not saved: ${whatEn} cannot be reached. Nothing was changed; please try again in a moment.`,
  );
}

const GRPC_UNAVAILABLE = 14;
/** Connection-level PostgreSQL failures: SQLSTATE class 08, and the server shutting down or starting. */
const PG_DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03']);
const PG_DOWN_MESSAGES = /Connection terminated|Timeout acquiring a connection|connect ECONNREFUSED|the database system is (starting up|shutting down)|Client has encountered a connection error/i;

/**
 * Which dependency an unexpected error says is down, if any: so that the person sees "not saved,
 * try again" with 503 and `Retry-After`, never a 500, while Temporal or PostgreSQL restarts.
 */
export function downDependencyOf(error: unknown): Dependency | undefined {
  for (let current = error, depth = 0; current && depth < 6; current = (current as { cause?: unknown }).cause, depth++) {
    if (typeof current !== 'object') break;
    const e = current as { name?: string; code?: unknown; message?: string; constructor?: { name?: string } };
    const type = e.name ?? e.constructor?.name ?? '';
    if (type === 'ServiceError' || type === 'ConnectionError' || type === 'TransportError') {
      if (type !== 'ServiceError' || e.code === GRPC_UNAVAILABLE || /UNAVAILABLE|No connection established|connect ECONNREFUSED/i.test(e.message ?? '')) return 'temporal';
    }
    if (e.code === GRPC_UNAVAILABLE && /UNAVAILABLE/.test(e.message ?? '')) return 'temporal';
    // Class 08 is the connection's state, except 08P01: a malformed message is opsdesk's fault, not an outage.
    const pgConnectionClass = typeof e.code === 'string' && e.code.startsWith('08') && e.code !== '08P01';
    if (type === 'ConnectionException' || (typeof e.code === 'string' && PG_DOWN_CODES.has(e.code)) || pgConnectionClass) return 'database';
    if (PG_DOWN_MESSAGES.test(e.message ?? '')) return 'database';
  }
  return undefined;
}
