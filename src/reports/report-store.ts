import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import type { CalendarService } from '../calendar/calendar.service';
import type { AppConfig } from '../config/app-config';
import type { Mailer } from '../mail/mailer';
import { jstDateOf, jstWall } from '../../workflows/shared/jst';
import {
  REPORT_SECTION_LABELS, type ComputeFiguresResult, type Figure, type GatherAvailabilityResult, type GatherDailyFiguresResult, type MailReportResult, type MonthlyFigures,
  type RenderedFile, type ReportSectionId, type ReportStatusInput, type ScheduledReportPlan,
} from '../../workflows/shared/contracts';
import { AvailabilityGatherer } from './availability-gatherer';
import { PrometheusDailyGatherer, StorageGatherer, type StorageSources } from './daily-figures-gatherer';
import { computeFigures } from './figures';
import { htmlToPdf } from './pdf';
import { firstBusinessDayOfMonth, reportedMonth } from './report-calendar';
import { loadReportData, monthBounds, shiftMonth, sourceRows } from './report-data';
import { MonthlyReport } from './report.entities';
import { renderHtml, renderWorkbook, sha256 } from './render';

export const reportWorkflowId = (prefix: string, month: string, revision: number) => `${prefix}monthly-report:${month}:r${revision}`;

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
} as const;

export const reportFileName = (month: string, revision: number, kind: 'xlsx' | 'pdf') => `monthly-report-${month}-r${revision}.${kind}`;

/** Canonical JSON (keys sorted) for the figures' hash. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The monthly report's records and side effects (R-RPT-1..5), shared by the activities (worker)
 * and the API: a report row per generation, its figures, its files and its mail.
 */
export class ReportStore {
  constructor(
    private readonly em: EntityManager,
    private readonly calendar: CalendarService,
    private readonly config: AppConfig,
    private readonly mailer?: Mailer,
    /** The database platform and the backup store, for their daily use (R-RPT-3); absent: not sampled. */
    private readonly storage?: StorageSources,
  ) {}

  /** A new generation of a month's report (revision = previous + 1). */
  async create(month: string, trigger: 'schedule' | 'on_demand', requestedBy: string): Promise<MonthlyReport> {
    for (let attempt = 0; ; attempt += 1) {
      const em = this.em.fork();
      const [{ next }] = await em.getConnection().execute(`select coalesce(max(revision), 0) + 1 as next from monthly_report where month = ?`, [month]);
      const report = em.create(MonthlyReport, {
        month, revision: Number(next), trigger, requestedBy, workflowId: reportWorkflowId(this.config.temporal.workflowIdPrefix, month, Number(next)),
        status: 'gathering', comments: {}, events: [], createdAt: new Date(), updatedAt: new Date(),
      });
      try {
        await em.persistAndFlush(report);
        return report;
      } catch (error) {
        if (attempt >= 4 || !/unique/i.test(String(error))) throw error;
      }
    }
  }

  async find(reportId: string): Promise<MonthlyReport | null> {
    return this.em.fork().findOne(MonthlyReport, { id: reportId });
  }

  /** Nightly and before a report: the month's availability from Prometheus into the daily table. */
  async gatherAvailability(fromDay: string, toDay: string): Promise<GatherAvailabilityResult> {
    return new AvailabilityGatherer(this.em.fork(), this.config.monitoring.prometheusUrl).gather(fromDay, toDay);
  }

  /**
   * Nightly and before a report: VM resource use and traffic per interface from Prometheus for
   * each day, and the storage sample of `toDay` when it is the day that has just ended.
   */
  async gatherDailyFigures(fromDay: string, toDay: string): Promise<GatherDailyFiguresResult> {
    const fromPrometheus = await new PrometheusDailyGatherer(this.em.fork(), this.config.monitoring.prometheusUrl).gather(fromDay, toDay);
    const storage = this.storage
      ? await new StorageGatherer(this.em.fork(), this.storage).gather(toDay)
      : { sampled: false, rows: 0, reasons: ['this process has no storage sources'] };
    return { ...fromPrometheus, storage };
  }

  async computeFigures(reportId: string): Promise<ComputeFiguresResult> {
    const em = this.em.fork();
    const report = await em.findOneOrFail(MonthlyReport, { id: reportId });
    const data = await loadReportData(em, await this.calendar.current(), report.month);
    const figures = computeFigures(data);
    report.figures = figures;
    report.figuresSha256 = createHash('sha256').update(canonical(figures)).digest('hex');
    report.generatedAt = new Date();
    report.updatedAt = new Date();
    await em.flush();
    return { figuresSha256: report.figuresSha256, missing: figures.sections.flatMap((s) => s.missing) };
  }

  async render(reportId: string, stage: 'draft' | 'final'): Promise<RenderedFile[]> {
    const em = this.em.fork();
    const report = await em.findOneOrFail(MonthlyReport, { id: reportId });
    const figures = report.figures as MonthlyFigures;
    const meta = { month: report.month, revision: report.revision, stage, comments: stage === 'final' ? report.comments : {}, approvedBy: stage === 'final' ? report.approvedBy ?? null : null };
    const xlsx = await renderWorkbook(figures, meta);
    const pdf = await htmlToPdf(renderHtml(figures, meta), new Date(Date.parse(figures.to) - 1000));
    const files: RenderedFile[] = [];
    for (const [kind, content] of [['xlsx', xlsx], ['pdf', pdf]] as const) {
      const hash = sha256(content);
      await em.getConnection().execute(
        `insert into monthly_report_file (report_id, stage, kind, sha256, size, content, created_at) values (?, ?, ?, ?, ?, ?, now())
         on conflict (report_id, stage, kind) do update set sha256 = excluded.sha256, size = excluded.size, content = excluded.content, created_at = excluded.created_at`,
        [reportId, stage, kind, hash, content.length, content],
      );
      files.push({ kind, sha256: hash, size: content.length });
    }
    return files;
  }

  async setStatus(input: ReportStatusInput): Promise<void> {
    const em = this.em.fork();
    const report = await em.findOneOrFail(MonthlyReport, { id: input.reportId });
    report.status = input.status;
    if (input.comments) report.comments = { ...input.comments };
    if (input.event) {
      // Idempotent by the event's key: a retried activity records it once.
      const key = typeof input.event.key === 'string' ? input.event.key : '';
      if (!key || !(report.events as { key?: string }[]).some((e) => e.key === key)) report.events = [...report.events, input.event];
      if (input.event.type === 'approved') {
        report.approvedBy = typeof input.event.by === 'string' ? input.event.by : null;
        report.approvedAt = new Date(String(input.event.at));
      }
    }
    report.updatedAt = new Date();
    await em.flush();
  }

  async file(reportId: string, stage: string, kind: 'xlsx' | 'pdf'): Promise<{ content: Buffer; sha256: string } | null> {
    const rows = await this.em.getConnection().execute<Array<{ content: Buffer; sha256: string }>>(`select content, sha256 from monthly_report_file where report_id = ? and stage = ? and kind = ?`, [reportId, stage, kind]);
    return rows[0] ?? null;
  }

  async files(reportId: string): Promise<{ stage: string; kind: string; sha256: string; size: number }[]> {
    return this.em.getConnection().execute(`select stage, kind, sha256, size from monthly_report_file where report_id = ? order by stage, kind`, [reportId]);
  }

  /** The approved report's files to general affairs (Message-ID by the report: a retry sends it once). */
  async mail(reportId: string): Promise<MailReportResult> {
    if (!this.mailer) throw new Error('no mailer');
    const report = (await this.find(reportId))!;
    const xlsx = (await this.file(reportId, 'final', 'xlsx'))!;
    const pdf = (await this.file(reportId, 'final', 'pdf'))!;
    const [y, m] = report.month.split('-');
    const sent = await this.mailer.send({
      messageKey: `monthly-report.${report.month}.r${report.revision}.final`,
      to: [this.config.generalAffairsMailbox],
      subject: `【月次報告書】${y}年${Number(m)}月 運用保守月次報告書（第${report.revision}版・承認済み）`,
      text: [
        '総務課 御中', '',
        `${y}年${Number(m)}月の運用保守月次報告書（承認済み）をお送りします。`,
        `Excel と PDF を添付しています。画面: ${this.config.publicUrl}/reports/${report.id}`, '',
        ...Object.entries(REPORT_SECTION_LABELS).map(([, l]) => `・${l.ja}（${l.requirement}）`), '',
        `xlsx sha256: ${xlsx.sha256}`, `pdf sha256: ${pdf.sha256}`, '', '運用保守デスク (opsdesk)',
      ].join('\n'),
      attachments: [
        { filename: reportFileName(report.month, report.revision, 'xlsx'), content: xlsx.content, contentType: CONTENT_TYPES.xlsx },
        { filename: reportFileName(report.month, report.revision, 'pdf'), content: pdf.content, contentType: CONTENT_TYPES.pdf },
      ],
    });
    const em = this.em.fork();
    await em.nativeUpdate(MonthlyReport, { id: reportId }, { mailMessageId: sent.messageId, updatedAt: new Date() });
    return { messageId: sent.messageId };
  }

  /**
   * The schedule fires at 09:00 JST on each of the first days of a month; the business calendar
   * decides whether this is the first business day. If so, the month before gets a report (once).
   */
  async planScheduled(atIso: string): Promise<ScheduledReportPlan> {
    const at = new Date(atIso);
    const wall = jstWall(at);
    const calendar = await this.calendar.current();
    const first = firstBusinessDayOfMonth(wall.getUTCFullYear(), wall.getUTCMonth() + 1, (d) => calendar.isBusinessDay(d));
    const month = reportedMonth(at);
    if (jstDateOf(atIso) !== first) return { run: false, month, firstBusinessDay: first, reportId: null, workflowId: null };
    const existing = await this.em.fork().findOne(MonthlyReport, { month, trigger: 'schedule' }, { orderBy: { revision: 'asc' } });
    const report = existing ?? (await this.create(month, 'schedule', 'schedule'));
    return { run: true, month, firstBusinessDay: first, reportId: report.id, workflowId: report.workflowId };
  }

  async list(): Promise<MonthlyReport[]> {
    return this.em.fork().find(MonthlyReport, {}, { orderBy: { month: 'desc', revision: 'desc' }, limit: 200 });
  }

  /** A figure and the rows it was computed from. */
  async trace(reportId: string, figureId: string): Promise<{ figure: Figure; rows: Record<string, unknown>[] } | null> {
    const report = await this.find(reportId);
    const figures = report?.figures as MonthlyFigures | undefined;
    const figure = figures?.sections.flatMap((s) => s.figures).find((f) => f.id === figureId);
    if (!figure) return null;
    return { figure, rows: await sourceRows(this.em.fork(), figure.source) };
  }
}

export { monthBounds, shiftMonth };
export type { ReportSectionId };
