import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { caseSummary } from '../cases/cases.service';
import { CaseRecord } from '../cases/case-record.entity';
import { TimelineEntry } from '../cases/timeline-entry.entity';
import { notFound } from '../common/errors';
import type { AuditActor } from '../audit/audit-log.service';
import { AuditTrail } from './audit-trail';
import { checkConsistency, type ConsistencyReport } from './consistency';
import type { HistorySourcePreference } from './dto/audit-history.dto';
import { readableTimeline, type ReadableEvent } from './history-timeline';
import { HistoryStore, type LoadedHistory } from './history-store.service';
import { replayHistory, type ReplayOutcome } from './replay';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who asks, for the audit log: the signed-in user (API) or the operating-system user (CLI). */
export interface AuditContext {
  actor: AuditActor;
  /** Default to the current request's (AuditModule's request context). */
  requestId?: string;
  sourceAddress?: string;
}

type Outcome = 'success' | 'failure';

export interface HistoryView {
  case: ReturnType<typeof caseSummary>;
  source: LoadedHistory['source'];
  workflowId: string;
  runId: string;
  workflowType: string;
  status: string;
  eventCount: number;
  startTime: string | null;
  closeTime: string | null;
  sha256: string;
  archive: LoadedHistory['archive'];
  timeline: ReadableEvent[];
}

export type ReplayView = ReplayOutcome & { case: string; source: LoadedHistory['source']; runId: string };

/** The auditor's functions on a case's workflow history; each call goes into the audit log. */
@Injectable()
export class AuditHistoryService {
  constructor(
    private readonly em: EntityManager,
    private readonly store: HistoryStore,
    private readonly trail: AuditTrail,
  ) {}

  async findCase(idOrNumber: string): Promise<CaseRecord> {
    const em = this.em.fork();
    const record = UUID.test(idOrNumber) ? await em.findOne(CaseRecord, { id: idOrNumber }) : await em.findOne(CaseRecord, { number: idOrNumber.toUpperCase() });
    if (!record) throw notFound(`Case ${idOrNumber}`);
    return record;
  }

  /** The history with a readable timeline of it (Japanese and English). */
  async history(context: AuditContext, idOrNumber: string, source: HistorySourcePreference = 'auto'): Promise<HistoryView> {
    return this.audited(context, 'case.history.read', idOrNumber, async (record) => {
      const loaded = await this.store.forCase(record, source);
      const view: HistoryView = {
        case: caseSummary(record),
        source: loaded.source,
        workflowId: loaded.workflowId,
        runId: loaded.runId,
        workflowType: loaded.summary.workflowType,
        status: loaded.summary.closeStatus,
        eventCount: loaded.summary.eventCount,
        startTime: loaded.summary.startTime,
        closeTime: loaded.summary.closeTime,
        sha256: loaded.document.sha256,
        archive: loaded.archive,
        timeline: readableTimeline(loaded.document.history),
      };
      return { value: view, change: { source: view.source, runId: view.runId, eventCount: view.eventCount, sha256: view.sha256 } };
    });
  }

  /** The raw history JSON, exactly as `temporal workflow show --output json` writes it. */
  async rawHistory(context: AuditContext, idOrNumber: string, source: HistorySourcePreference = 'auto') {
    return this.audited(context, 'case.history.export', idOrNumber, async (record) => {
      const loaded = await this.store.forCase(record, source);
      const value = {
        filename: `${record.number}_${loaded.runId}.history.json`,
        json: loaded.document.json,
        sha256: loaded.document.sha256,
        source: loaded.source,
        record,
        loaded,
      };
      return { value, change: { source: loaded.source, runId: loaded.runId, eventCount: loaded.summary.eventCount, sha256: loaded.document.sha256 } };
    });
  }

  /** Replays the case's history against the current workflow code. */
  async replay(context: AuditContext, idOrNumber: string, source: HistorySourcePreference = 'auto'): Promise<ReplayView> {
    return this.audited(context, 'case.history.replay', idOrNumber, async (record) => {
      const loaded = await this.store.forCase(record, source);
      const outcome = await replayHistory({ history: loaded.document.history, workflowId: loaded.workflowId });
      const value: ReplayView = { ...outcome, runId: loaded.runId, case: record.number, source: loaded.source };
      return {
        value,
        outcome: outcome.ok ? 'success' : 'failure',
        change: { source: loaded.source, runId: loaded.runId, ok: outcome.ok, eventCount: outcome.eventCount, durationMs: outcome.durationMs, problem: outcome.problem?.en },
      };
    });
  }

  /** Compares the case record's timeline with the history. */
  async consistency(context: AuditContext, idOrNumber: string, options: { source?: HistorySourcePreference; toleranceMs?: number } = {}) {
    return this.audited(context, 'case.history.consistency', idOrNumber, async (record) => {
      const loaded = await this.store.forCase(record, options.source ?? 'auto');
      const timeline = await this.em.fork().find(TimelineEntry, { caseId: record.id }, { orderBy: { at: 'asc', id: 'asc' } });
      const report: ConsistencyReport & { case: string; source: string; runId: string } = {
        case: record.number, source: loaded.source, runId: loaded.runId,
        ...checkConsistency(loaded.document.history, record, timeline, { toleranceMs: options.toleranceMs }),
      };
      return { value: report, outcome: report.consistent ? 'success' : 'failure', change: { source: loaded.source, consistent: report.consistent, mismatches: report.mismatches.length } };
    });
  }

  /** Every case (optionally those that occurred since a date), oldest first: for bulk replay. */
  async cases(since?: Date): Promise<CaseRecord[]> {
    return this.em.fork().find(CaseRecord, since ? { occurredAt: { $gte: since } } : {}, { orderBy: { occurredAt: 'asc', number: 'asc' } });
  }

  get historyStore(): HistoryStore {
    return this.store;
  }

  get auditTrail(): AuditTrail {
    return this.trail;
  }

  private async audited<T>(
    context: AuditContext,
    action: string,
    idOrNumber: string,
    run: (record: CaseRecord) => Promise<{ value: T; change?: unknown; outcome?: Outcome }>,
  ): Promise<T> {
    let target = `case:${idOrNumber}`;
    try {
      const record = await this.findCase(idOrNumber);
      target = `case:${record.number}`;
      const { value, change, outcome } = await run(record);
      await this.trail.record({ ...context, action, target, change, outcome: outcome ?? 'success' });
      return value;
    } catch (error) {
      await this.trail.record({ ...context, action, target, outcome: 'failure', change: { error: error instanceof Error ? error.message : String(error) } }).catch(() => undefined);
      throw error;
    }
  }
}
