import type { Logger } from '@nestjs/common';
import { PgNotifications } from './pg-notifications';

/** The channel the inbox tables' insert trigger notifies, with the table's name as payload (migration inbox_notify). */
export const INBOX_CHANNEL = 'opsdesk_inbox';

/** Without notifications (no listener, or its connection down): look every second, as before. */
export const FAST_POLL_MS = 1_000;
/** With notifications: a slow look, for what a lost notification may have missed. */
export const SLOW_POLL_MS = 15_000;

export interface InboxDispatcherOptions {
  /** The inbox table (its insert trigger notifies with this name). */
  table: string;
  /** Rows one pass claims at most; a full pass is followed by the next at once. */
  batch: number;
  /**
   * Claims up to `batch` ready rows (`for update skip locked`, a claim that expires), handles each
   * and marks it done; returns how many it claimed. Every row's handling is idempotent by the row,
   * so a crash anywhere repeats the row without a second effect.
   */
  pass: () => Promise<number>;
  /** In how many ms the earliest waiting row (retry backoff) becomes ready, by the database's clock; null when none waits. */
  nextAttemptInMs: () => Promise<number | null>;
  logger: Logger;
  /** What a failed look says (PostgreSQL down: the rows are safe where they are). */
  describeFailure: (error: unknown) => string;
  /** LISTEN/NOTIFY on this database; null polls only (every second). */
  databaseUrl: string | null;
}

/**
 * The one durable-inbox dispatcher of opsdesk, for the alert inbox (R-FLOW-1) and the desk's mail
 * inbox (R-DESK-1): rows are written first (the sender's answer waits for the commit), then
 * handled by passes that run one at a time per process, and across processes never on the same
 * row (`skip locked`). A pass starts when a row is inserted (PostgreSQL NOTIFY, from any
 * process), when this process asks (`kick()`), when a waiting row's retry time comes, and on a
 * fallback poll: every second without notifications, every 15 s with them.
 */
export class InboxDispatcher {
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private timer?: NodeJS.Timeout;
  private listener: PgNotifications | null = null;
  private unsubscribe?: () => Promise<void>;

  constructor(private readonly options: InboxDispatcherOptions) {}

  /** Subscribes to the table's notifications and makes the first pass (what earlier processes left). */
  start(): void {
    this.stopped = false;
    if (this.options.databaseUrl) {
      this.listener = PgNotifications.acquire(this.options.databaseUrl);
      this.unsubscribe = this.listener.subscribe(INBOX_CHANNEL, (table) => {
        // '' after a (re)connect: look, whatever was inserted meanwhile.
        if (table === '' || table === this.options.table) this.kick();
      });
    }
    this.kick();
  }

  /** Stops waking up and waits for the pass under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Whether inserts wake this dispatcher (else it polls every second). */
  get notified(): boolean {
    return this.listener?.listening ?? false;
  }

  /** Starts a pass now (or right after the one running). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = (async () => {
      let failed = false;
      do {
        this.again = false;
        try {
          if ((await this.options.pass()) === this.options.batch) this.again = true;
        } catch (error) {
          failed = true;
          this.options.logger.warn(this.options.describeFailure(error));
        }
      } while (this.again && !this.stopped);
      await this.scheduleNext(failed);
    })().finally(() => (this.running = undefined));
  }

  /** The next look: the fallback poll, or sooner when a waiting row's retry comes first. */
  private async scheduleNext(failed: boolean): Promise<void> {
    if (this.stopped) return;
    let delay = this.notified && !failed ? SLOW_POLL_MS : FAST_POLL_MS;
    if (!failed) {
      try {
        const next = await this.options.nextAttemptInMs();
        if (next !== null) delay = Math.min(delay, Math.max(200, next + 20));
      } catch {
        delay = FAST_POLL_MS;
      }
    }
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), delay).unref();
  }
}
