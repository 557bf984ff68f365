import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MAILER, type Mailer } from '../mail/mail.module';

/** 'ok', or what is wrong with the part. */
export type PartState = string;
export interface HealthReport {
  status: 'ok' | 'degraded';
  temporal: PartState;
  database: PartState;
  smtp: PartState;
  worker: PartState;
}

const CHECK_TIMEOUT_MS = 3_000;
/** A worker that has not polled for this long is taken as gone. */
const POLLER_STALE_MS = 90_000;

@Injectable()
export class HealthService {
  constructor(
    private readonly em: EntityManager,
    private readonly temporalClient: Client,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async report(): Promise<HealthReport> {
    const [database, temporalState, smtp, worker] = await Promise.all([
      check(() => this.em.getConnection().execute('select 1')),
      check(() => this.temporalClient.workflowService.getSystemInfo({})),
      check(() => this.mailer.verify()),
      check(() => this.workerPolling()),
    ]);
    const parts = { temporal: temporalState, database, smtp, worker };
    return { status: Object.values(parts).every((p) => p === 'ok') ? 'ok' : 'degraded', ...parts };
  }

  private async workerPolling(): Promise<void> {
    const response = await this.temporalClient.workflowService.describeTaskQueue({
      namespace: this.config.temporal.namespace,
      taskQueue: { name: this.config.temporal.taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    const now = Date.now();
    const live = (response.pollers ?? []).some((p) => {
      const seconds = Number(p.lastAccessTime?.seconds ?? 0);
      return now - seconds * 1000 < POLLER_STALE_MS;
    });
    if (!live) throw new Error(`no worker is polling task queue "${this.config.temporal.taskQueue}"`);
  }
}

async function check(probe: () => Promise<unknown>): Promise<PartState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS); }),
    ]);
    return 'ok';
  } catch (error) {
    return `unavailable: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
