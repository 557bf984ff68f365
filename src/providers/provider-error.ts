/**
 * What a provider (hypervisor, database platform) reports when an operation cannot be done.
 * The code says what kind of problem it is; `retryable` says whether trying the same thing again
 * later may succeed (a busy host, a dropped connection) or never will (no capacity, a name taken).
 * Operations turn retryable errors into Temporal retries with backoff and the others into an
 * `execution_failed` task with compensation.
 */
export type ProviderErrorCode =
  /** Not enough CPU, memory, disk or addresses for the request. */
  | 'capacity'
  /** The named VM, host, snapshot or database does not exist. */
  | 'not_found'
  /** The name is taken by something this operation did not create. */
  | 'conflict'
  /** The request cannot be done as asked (e.g. shrinking a disk). */
  | 'invalid'
  /** The target is protected (inventory, system database) and is never touched automatically. */
  | 'protected'
  /** The platform is unreachable or busy: try again later. */
  | 'unavailable'
  /** The platform reported a failure of the operation itself. */
  | 'fault';

export class ProviderError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    retryable?: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
    this.retryable = retryable ?? code === 'unavailable';
  }
}

/** Progress of a long operation, reported as it goes (activities turn it into heartbeats). */
export interface Progress {
  /** The step being done, e.g. `create_disk`, `pg_dump`. */
  step: string;
  /** 0..100 when known. */
  percent?: number;
  message?: string;
}

/** What every state-changing provider call receives. */
export interface OperationContext {
  /**
   * Idempotency key (case number + step): calling again with the same key does the work once.
   * Adapters remember the key on what they create (VM notes/tags, a database comment), so that a
   * retry resumes it and compensation recognises it.
   */
  key: string;
  progress?: (progress: Progress) => void;
  /** Aborted when the activity is cancelled (timeout, workflow cancelled): stop between steps. */
  signal?: AbortSignal;
}

/** Waits, reporting progress, and stops early when the operation is cancelled. */
export async function workFor(ms: number, ctx: OperationContext, step: string, from: number, to: number): Promise<void> {
  const ticks = Math.max(1, Math.ceil(ms / 250));
  for (let i = 1; i <= ticks; i++) {
    if (ctx.signal?.aborted) throw new ProviderError('unavailable', `cancelled during ${step} / ${step} の途中で取り消されました`);
    await new Promise((resolve) => setTimeout(resolve, ms / ticks));
    ctx.progress?.({ step, percent: Math.round(from + ((to - from) * i) / ticks) });
  }
}
