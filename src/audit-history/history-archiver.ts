import { EntityManager } from '@mikro-orm/postgresql';
import { Logger } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { ArchivedHistory } from './archived-history.entity';
import type { HistoryStore } from './history-store.service';

export interface SweepResult {
  listed: number;
  archived: number;
  alreadyArchived: number;
  failed: number;
  durationMs: number;
}

/** Closed runs may reach visibility late; every sweep looks this far behind the newest archive. */
const OVERLAP_MS = 60 * 60_000;

/**
 * Keeps every closed workflow history of this task queue in PostgreSQL, for good.
 *
 * A workflow's history is only complete once it has closed, so archiving cannot be the workflow's
 * own last activity. Instead this small loop (run by the worker process) asks Temporal's visibility
 * every N seconds for runs of its task queue that have closed since shortly before the newest
 * archived one, and archives those not archived yet. Every step is idempotent (one row per run id,
 * insert-or-nothing), so two workers, a restart mid-sweep or the API archiving on read never
 * duplicate or lose an archive; a run the sweep could not archive is simply found again next time.
 */
export class HistoryArchiver {
  private readonly log = new Logger('history-archiver');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepResult> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: { store: HistoryStore; client: Client; em: EntityManager; taskQueue: string; namespace?: string },
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.sweep()
        .catch((error: unknown) => this.log.warn(`archiving sweep failed (will retry): ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, Math.min(this.intervalMs, 2_000));
    this.timer.unref();
  }

  /** Stops the loop and waits for a sweep in progress (before the database goes away). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass; concurrent calls share the pass in progress. */
  sweep(): Promise<SweepResult> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<SweepResult> {
    const t0 = Date.now();
    const { store, client, taskQueue } = this.deps;
    const newest = await this.deps.em.fork().findOne(ArchivedHistory, { taskQueue }, { orderBy: { closeTime: 'desc' }, fields: ['closeTime'] });
    const since = newest ? new Date(newest.closeTime.getTime() - OVERLAP_MS) : null;
    const query = [`TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`, `ExecutionStatus != 'Running'`, ...(since ? [`CloseTime > '${since.toISOString()}'`] : [])].join(' AND ');
    const candidates: Array<{ workflowId: string; runId: string }> = [];
    for await (const execution of client.workflow.list({ query })) {
      candidates.push({ workflowId: execution.workflowId, runId: execution.runId });
      if (this.stopped) break;
    }
    const known = new Set<string>();
    for (let i = 0; i < candidates.length; i += 500) {
      const rows = await this.deps.em.fork().find(ArchivedHistory, { runId: { $in: candidates.slice(i, i + 500).map((c) => c.runId) } }, { fields: ['runId'] });
      for (const row of rows) known.add(row.runId);
    }
    const result: SweepResult = { listed: candidates.length, archived: 0, alreadyArchived: known.size, failed: 0, durationMs: 0 };
    for (const candidate of candidates) {
      if (this.stopped) break;
      if (known.has(candidate.runId)) continue;
      try {
        const outcome = await store.archiveRun(candidate.workflowId, candidate.runId, 'worker-archiver');
        if (outcome === 'archived') result.archived++;
        else if (outcome === 'already_archived') result.alreadyArchived++;
      } catch (error) {
        result.failed++;
        this.log.warn(`could not archive ${candidate.workflowId} / ${candidate.runId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    result.durationMs = Date.now() - t0;
    if (result.archived) this.log.log(`archived ${result.archived} closed workflow histor${result.archived === 1 ? 'y' : 'ies'} in ${result.durationMs} ms`);
    return result;
  }
}

/** OPSDESK_ARCHIVE_INTERVAL_SECONDS (default 60; 0 turns the loop off). */
export function archiveIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.OPSDESK_ARCHIVE_INTERVAL_SECONDS;
  if (raw === undefined || raw === '') return 60_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`OPSDESK_ARCHIVE_INTERVAL_SECONDS must be a number of seconds, got "${raw}"`);
  return Math.round(seconds * 1000);
}
