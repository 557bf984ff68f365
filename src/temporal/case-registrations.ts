import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PgNotifications } from '../database/pg-notifications';
import { CASE_REGISTERED_CHANNEL, caseRowOf, waitForCaseRow, type CaseRow, type WaitOptions } from './case-start';

/**
 * How the API waits for a new run's case row: registerCase notifies the run id in the transaction
 * that writes it, so the answer that waits for the number (an alert, a work request, an inquiry)
 * reads the row once, when it is there, instead of polling the table every few milliseconds.
 * The row is the truth; a lost notification only means the fallback poll finds it.
 */
@Injectable()
export class CaseRegistrations implements OnApplicationShutdown {
  private readonly waiting = new Map<string, Set<() => void>>();
  private unsubscribe?: () => Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
  ) {}

  /** A new run's case row (number, id, opening alert), once registerCase has written it; null after the wait. */
  waitForRow(runId: string): Promise<CaseRow | null> {
    const { registered, wake } = this.of(runId);
    return waitForCaseRow(registered, wake);
  }

  /** The wait options of a run: its row, and a sleep its notification cuts short. */
  of(runId: string): Required<WaitOptions> {
    this.listen();
    return {
      registered: caseRowOf((sql, params) => this.em.getConnection().execute(sql, params), runId),
      wake: (ms) => this.wake(runId, ms),
    };
  }

  private listen(): void {
    this.unsubscribe ??= PgNotifications.acquire(this.config.databaseUrl).subscribe(CASE_REGISTERED_CHANNEL, (runId) => {
      // '' after a (re)connect: whatever was written meanwhile; everyone looks again.
      const woken = runId === '' ? [...this.waiting.values()].flatMap((set) => [...set]) : [...(this.waiting.get(runId) ?? [])];
      for (const wake of woken) wake();
    });
  }

  private wake(runId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(runId) ?? new Set<() => void>();
      this.waiting.set(runId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(runId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    await unsubscribe?.();
  }
}
