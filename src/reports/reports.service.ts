import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { CalendarService } from '../calendar/calendar.service';
import { actorRef } from '../cases/cases.service';
import { conflict, forbidden, invalid, notFound } from '../common/errors';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DependencyMonitor } from '../health/dependency-monitor';
import type { Actor } from '../identity/current-user';
import { MAILER, type Mailer } from '../mail/mail.module';
import type { MonthlyFigures, MonthlyReportInput, ReportStateView } from '../../workflows/shared/contracts';
import { decideReport, getReportState, submitReportComments } from '../../workflows/shared/report-messages';
import { jstWall } from '../../workflows/shared/jst';
import { chartSvg } from './charts';
import { nextReportRun } from './report-calendar';
import { reportScheduleIds } from './report-schedules';
import { reportFileName, ReportStore } from './report-store';
import { MonthlyReport, ReportSettings } from './report.entities';
import { startWorkflow } from '../temporal/typed-workflows';

export interface ReportSettingsView {
  id: number;
  departmentsSeeOthers: boolean;
  updatedBy: string | null;
  updatedAt: string;
}

/** The monthly report over HTTP (R-RPT-1..5): start, read, trace, comment, approve, download. */
@Injectable()
export class ReportsService {
  readonly store: ReportStore;

  constructor(
    private readonly em: EntityManager,
    private readonly calendar: CalendarService,
    private readonly temporal: Client,
    private readonly dependencies: DependencyMonitor,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MAILER) mailer: Mailer,
  ) {
    this.store = new ReportStore(em, calendar, config, mailer);
  }

  async start(month: string, actor: Actor) {
    const current = jstWall(new Date()).toISOString().slice(0, 7);
    if (month >= current) throw invalid('month', 'month must be a month that has ended (before this month in Japan)');
    const report = await this.store.create(month, 'on_demand', actor.username);
    const input: MonthlyReportInput = { reportId: report.id, month };
    await this.dependencies.humanStep(() => startWorkflow(this.temporal, 'monthlyReportWorkflow', { workflowId: report.workflowId, taskQueue: this.config.temporal.taskQueue, args: [input] }));
    return { reportId: report.id, month, revision: report.revision, workflowId: report.workflowId, status: report.status };
  }

  async settings(): Promise<ReportSettings> {
    return (await this.em.fork().findOne(ReportSettings, { id: 1 })) ?? new ReportSettings();
  }

  /** The settings as the API answers them (the entity's fields, its time as ISO text). */
  async settingsView(): Promise<ReportSettingsView> {
    const s = await this.settings();
    return { id: s.id, departmentsSeeOthers: s.departmentsSeeOthers, updatedBy: s.updatedBy ?? null, updatedAt: s.updatedAt.toISOString() };
  }

  async updateSettings(departmentsSeeOthers: boolean, actor: Actor) {
    await this.em.getConnection().execute(
      `insert into report_settings (id, departments_see_others, updated_by, updated_at) values (1, ?, ?, now())
       on conflict (id) do update set departments_see_others = excluded.departments_see_others, updated_by = excluded.updated_by, updated_at = now()`,
      [departmentsSeeOthers, actor.username],
    );
    return this.settingsView();
  }

  async list() {
    const reports = await this.store.list();
    return reports.map((r) => summary(r));
  }

  private async visible(reportId: string, _actor: Actor): Promise<MonthlyReport> {
    const report = await this.store.find(reportId);
    if (!report) throw notFound(`Report ${reportId}`);
    return report;
  }

  private isDepartmentOnly(actor: Actor): boolean {
    return actor.roles.every((r) => r === 'department');
  }

  async get(reportId: string, actor: Actor) {
    const report = await this.visible(reportId, actor);
    let figures = report.figures as MonthlyFigures | null;
    const settings = await this.settings();
    if (figures && this.isDepartmentOnly(actor) && !settings.departmentsSeeOthers) figures = ownDepartmentOnly(figures, await this.departmentName(actor));
    let state: ReportStateView | null = null;
    try {
      state = await this.temporal.workflow.getHandle(report.workflowId).query(getReportState);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) state = null;
    }
    const chartSvgs = Object.fromEntries((figures?.charts ?? []).map((c) => [c.id, chartSvg(c)]));
    return { ...summary(report), figures, chartSvgs, comments: report.comments, events: report.events, files: await this.store.files(report.id), openTask: state?.openTask ?? null, sendBacks: state?.sendBacks ?? [] };
  }

  private async departmentName(actor: Actor): Promise<string | null> {
    if (!actor.departmentId) return null;
    const rows = await this.em.getConnection().execute<Array<{ name_ja: string }>>(`select name_ja from department where id = ?`, [actor.departmentId]);
    return rows[0]?.name_ja ?? null;
  }

  async trace(reportId: string, figureId: string, actor: Actor) {
    await this.visible(reportId, actor);
    if (this.isDepartmentOnly(actor) && !(await this.settings()).departmentsSeeOthers) throw forbidden('general affairs has not opened the figures\' sources to departments');
    const traced = await this.store.trace(reportId, figureId);
    if (!traced) throw notFound(`Figure ${figureId}`);
    return traced;
  }

  async file(reportId: string, kind: string, stage: string | undefined, actor: Actor) {
    if (kind !== 'xlsx' && kind !== 'pdf') throw invalid('kind', 'kind must be xlsx or pdf');
    if (stage !== undefined && stage !== 'draft' && stage !== 'final') throw invalid('stage', 'stage must be draft or final');
    const report = await this.visible(reportId, actor);
    if (this.isDepartmentOnly(actor) && !(await this.settings()).departmentsSeeOthers) throw forbidden('the files show every department: general affairs has not opened them to departments');
    const wanted = stage ?? (report.status === 'approved' ? 'final' : 'draft');
    const file = await this.store.file(reportId, wanted, kind);
    if (!file) throw notFound(`The ${wanted} ${kind} of report ${reportId}`);
    return { ...file, fileName: reportFileName(report.month, report.revision, kind).replace(`.${kind}`, `${wanted === 'draft' ? '-draft' : ''}.${kind}`), contentType: kind === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'application/pdf' };
  }

  async comment(reportId: string, comments: Record<string, string>, actor: Actor) {
    const report = await this.visible(reportId, actor);
    if (report.status !== 'commenting') throw conflict(`the report is ${report.status}, not waiting for comments`);
    return this.dependencies.humanStep(() => this.temporal.workflow.getHandle(report.workflowId).executeUpdate(submitReportComments, { args: [{ comments, actor: actorRef(actor) }] }));
  }

  async decide(reportId: string, outcome: 'approve' | 'send_back', reason: string | undefined, actor: Actor) {
    const report = await this.visible(reportId, actor);
    if (report.status !== 'approval') throw conflict(`the report is ${report.status}, not waiting for approval`);
    return this.dependencies.humanStep(() => this.temporal.workflow.getHandle(report.workflowId).executeUpdate(decideReport, { args: [{ outcome, reason, actor: actorRef(actor) }] }));
  }

  /** The schedule as Temporal has it, and the next run by the business calendar. */
  async schedule() {
    const calendar = await this.calendar.current();
    const next = nextReportRun(new Date(), (d) => calendar.isBusinessDay(d));
    const ids = reportScheduleIds(this.config.temporal.taskQueue);
    let spec: unknown = null;
    try {
      spec = (await this.temporal.schedule.getHandle(ids.monthly).describe()).spec;
    } catch {
      spec = null;
    }
    return { scheduleId: ids.monthly, nextRun: next.toISOString(), spec };
  }
}

function summary(r: MonthlyReport) {
  return {
    id: r.id, month: r.month, revision: r.revision, trigger: r.trigger, status: r.status, workflowId: r.workflowId, requestedBy: r.requestedBy,
    figuresSha256: r.figuresSha256 ?? null, generatedAt: r.generatedAt?.toISOString() ?? null, approvedBy: r.approvedBy ?? null, approvedAt: r.approvedAt?.toISOString() ?? null,
  };
}

/** The figures as a department sees them when general affairs keeps other departments' detail back. */
function ownDepartmentOnly(figures: MonthlyFigures, department: string | null): MonthlyFigures {
  return {
    ...figures,
    sections: figures.sections.map((s) => ({
      ...s,
      figures: s.figures.map((f) => ({ ...f, source: { ...f.source, keys: [] } })),
      tables: s.tables.map((t) => (t.rowDepartments ? { ...t, rows: t.rows.filter((_, i) => t.rowDepartments![i] === department), rowDepartments: t.rowDepartments.filter((d) => d === department) } : t)),
    })),
  };
}
