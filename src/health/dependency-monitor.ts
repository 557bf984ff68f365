import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { platformUnavailable } from '../common/dependency-errors';
import { toDomainError, withinHumanStepTime } from '../temporal/update-errors';
import { MAILER, type Mailer } from '../mail/mail.module';

/** 'ok', or what is wrong with the part. */
export type PartState = string;
export type Part = 'temporal' | 'database' | 'smtp' | 'worker';

/** What every request that writes needs: checked often, so a dead part is known within seconds. */
const CORE_PROBE_EVERY_MS = 2_000;
/** A mail relay or worker outage only delays work: checked less often. */
const SLOW_PROBE_EVERY_MS = 5_000;
const PROBE_TIMEOUT_MS = 3_000;
/** A worker that has not polled for this long is taken as gone. */
const POLLER_STALE_MS = 90_000;

/**
 * Knows, at every moment and without asking, whether the parts opsdesk depends on answer: probes
 * run in the background, so `/health` answers at once when a part hangs, and a request that needs
 * Temporal is refused in milliseconds (503, nothing saved) instead of waiting for a timeout.
 */
@Injectable()
export class DependencyMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly states: Record<Part, PartState> = { temporal: 'unknown: not checked yet', database: 'unknown: not checked yet', smtp: 'unknown: not checked yet', worker: 'unknown: not checked yet' };
  private checkedAt = 0;
  private slowCheckedAt = 0;
  private timers: NodeJS.Timeout[] = [];
  private core?: Promise<void>;
  private slow?: Promise<void>;

  constructor(
    private readonly em: EntityManager,
    private readonly temporalClient: Client,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.probeCore();
    void this.probeSlow();
    this.timers = [
      setInterval(() => {
        void this.probeCore();
        // A part that is down is watched as closely as the core, so its return is seen at once.
        const slowDown = this.states.smtp !== 'ok' || this.states.worker !== 'ok';
        if (slowDown || Date.now() - this.slowCheckedAt >= SLOW_PROBE_EVERY_MS) void this.probeSlow();
      }, CORE_PROBE_EVERY_MS).unref(),
    ];
  }

  /**
   * Probes still under way finish (within their deadline) before the Temporal connection closes:
   * a call the client is retrying would otherwise fire on a closed channel.
   */
  async onModuleDestroy(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled([this.core, this.slow]);
  }

  /** A Temporal call with the probe's deadline, so that the client stops retrying it by then. */
  private withinProbeTime<T>(call: () => Promise<T>): Promise<T> {
    return this.temporalClient.connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, call);
  }

  /** The last probe results; waits (at most `waitMs`) only for the very first probe. */
  async snapshot(waitMs = 900): Promise<Record<Part, PartState> & { checkedAt: string | null }> {
    if (this.checkedAt === 0) await Promise.race([Promise.all([this.probeCore(), this.probeSlow()]), sleep(waitMs)]);
    return { ...this.states, checkedAt: this.checkedAt ? new Date(this.checkedAt).toISOString() : null };
  }

  /** False only when the last probe found Temporal down (unknown counts as reachable). */
  temporalLooksReachable(): boolean {
    return !this.states.temporal.startsWith('unavailable');
  }

  /**
   * A person's write to Temporal (a step, a hold, a new case): refused at once when the probes
   * found Temporal down, cut off after HUMAN_STEP_DEADLINE_MS when it hangs, and its failures turned
   * into the domain errors people read (403/409/422 from the validators, 503 for the rest).
   */
  async humanStep<T>(call: () => Promise<T>): Promise<T> {
    if (!this.temporalLooksReachable()) throw platformUnavailable('temporal');
    try {
      return await withinHumanStepTime(this.temporalClient, call);
    } catch (error) {
      throw toDomainError(error);
    }
  }

  /** A probe in flight is shared: a hanging part never piles up probes. */
  private probeCore(): Promise<void> {
    this.core ??= (async () => {
      const [database, temporalState] = await Promise.all([
        check(() => this.em.getConnection().execute('select 1')),
        check(() => this.withinProbeTime(() => this.temporalClient.workflowService.getSystemInfo({}))),
      ]);
      Object.assign(this.states, { database, temporal: temporalState });
      this.checkedAt = Date.now();
    })().finally(() => (this.core = undefined));
    return this.core;
  }

  private probeSlow(): Promise<void> {
    this.slow ??= (async () => {
      const [smtp, worker] = await Promise.all([check(() => this.mailer.verify()), check(() => this.withinProbeTime(() => this.workerPolling()))]);
      Object.assign(this.states, { smtp, worker });
      this.slowCheckedAt = Date.now();
    })().finally(() => (this.slow = undefined));
    return this.slow;
  }

  private async workerPolling(): Promise<void> {
    const response = await this.temporalClient.workflowService.describeTaskQueue({
      namespace: this.config.temporal.namespace,
      taskQueue: { name: this.config.temporal.taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    const now = Date.now();
    const live = (response.pollers ?? []).some((p) => now - Number(p.lastAccessTime?.seconds ?? 0) * 1000 < POLLER_STALE_MS);
    if (!live) throw new Error(`no worker is polling task queue "${this.config.temporal.taskQueue}"`);
  }
}

async function check(probe: () => Promise<unknown>): Promise<PartState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([probe(), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS); })]);
    return 'ok';
  } catch (error) {
    return `unavailable: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
