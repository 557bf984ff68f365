import { ApplicationFailure, condition, ParentClosePolicy, patched, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { reportActivities, reportRenderActivities } from './activity-profiles';
import { nowIso } from './clock';
import {
  REPORT_SECTIONS, type DailyFiguresInput, type GatherAvailabilityResult, type GatherDailyFiguresResult, type MonthlyReportInput, type MonthlyReportResult, type RenderedFile,
  type ReportCommentsInput, type ReportDecisionInput, type ReportSectionId, type ReportStateView, type ReportStatus, type ScheduledReportPlan,
} from './shared/contracts';
import { FAILURE_TYPES } from './shared/messages';
import { decideReport, getReportState, REPORT_COMMENT_MAX, REPORT_REASON_MAX, submitReportComments } from './shared/report-messages';

const forbidden = (message: string) => ApplicationFailure.create({ type: FAILURE_TYPES.forbidden, message, nonRetryable: true });
const conflict = (message: string) => ApplicationFailure.create({ type: FAILURE_TYPES.conflict, message, nonRetryable: true });
const invalid = (field: string, message: string) => ApplicationFailure.create({ type: FAILURE_TYPES.invalid, message, details: [field], nonRetryable: true });

/** The change that added the VM resource, traffic and storage gathering (R-RPT-1, R-RPT-3, R-RPT-4). */
const DAILY_FIGURES_PATCH = 'report-daily-figures-resources-traffic-storage';

function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * The monthly report (R-RPT-1..5): gather the month's figures, render the draft, the operators
 * write their 所見 per section (`report_comments`), general affairs approves or sends back with a
 * reason (`approve_report`); on approval the final files are stored and mailed to general affairs.
 * Both human steps are validated Updates: a wrong role, a step not open, or a missing field is
 * refused before anything reaches the history.
 */
export async function monthlyReportWorkflow(input: MonthlyReportInput): Promise<MonthlyReportResult> {
  let status: ReportStatus = 'gathering';
  let comments: Partial<Record<ReportSectionId, string>> = {};
  const sendBacks: ReportStateView['sendBacks'] = [];
  let commented = false;
  let decision: ReportDecisionInput | null = null;
  // A step's answer waits until the record says what the workflow now knows, so the API (which
  // reads the record) never turns away the next step for a moment after the answer.
  let recording = false;
  const record = async (input: Parameters<typeof reportActivities.setReportStatus>[0]): Promise<void> => {
    recording = true;
    try {
      await reportActivities.setReportStatus(input);
    } finally {
      recording = false;
    }
  };
  let decidedAt = '';

  const view = (): ReportStateView => ({
    reportId: input.reportId, month: input.month, status, comments, sendBacks,
    openTask: status === 'commenting' ? { type: 'report_comments', role: 'operator' } : status === 'approval' ? { type: 'approve_report', role: 'general_affairs' } : null,
  });
  setHandler(getReportState, view);
  setHandler(
    submitReportComments,
    async (update: ReportCommentsInput) => {
      comments = Object.fromEntries(REPORT_SECTIONS.map((s) => [s, update.comments[s]!.trim()]));
      commented = true;
      await condition(() => status !== 'commenting' && !recording);
      return view();
    },
    {
      validator: (update: ReportCommentsInput) => {
        if (!update.actor?.roles?.includes('operator')) throw forbidden('only operators write the report comments (所見)');
        if (status !== 'commenting' || commented) throw conflict(`the report is ${status}, not waiting for comments`);
        if (!update.comments || typeof update.comments !== 'object') throw invalid('comments', 'comments must be an object with one text per section');
        for (const key of Object.keys(update.comments)) {
          if (!(REPORT_SECTIONS as readonly string[]).includes(key)) throw invalid(`comments.${key}`, `unknown section ${key}`);
        }
        for (const section of REPORT_SECTIONS) {
          const text = update.comments[section];
          if (typeof text !== 'string' || text.trim() === '') throw invalid(`comments.${section}`, `the comment (所見) of section ${section} is required`);
          if (text.length > REPORT_COMMENT_MAX) throw invalid(`comments.${section}`, `at most ${REPORT_COMMENT_MAX} characters`);
        }
      },
    },
  );
  setHandler(
    decideReport,
    async (update: ReportDecisionInput) => {
      decision = update;
      decidedAt = nowIso();
      await condition(() => status !== 'approval' && !recording);
      return view();
    },
    {
      validator: (update: ReportDecisionInput) => {
        if (!update.actor?.roles?.includes('general_affairs')) throw forbidden('only general affairs approves the report (approve_report)');
        if (status !== 'approval' || decision !== null) throw conflict(`the report is ${status}, not waiting for approval`);
        if (update.outcome !== 'approve' && update.outcome !== 'send_back') throw invalid('outcome', 'outcome must be approve or send_back');
        if (update.outcome === 'send_back' && (typeof update.reason !== 'string' || update.reason.trim() === '')) throw invalid('reason', 'a send-back needs a reason');
        if (typeof update.reason === 'string' && update.reason.length > REPORT_REASON_MAX) throw invalid('reason', `at most ${REPORT_REASON_MAX} characters`);
      },
    },
  );

  const gathered: GatherAvailabilityResult = await reportActivities.gatherAvailability({ fromDay: `${input.month}-01`, toDay: lastDayOf(input.month) });
  // patched(): a run whose history predates the VM resource, traffic and storage figures replays without them.
  if (patched(DAILY_FIGURES_PATCH)) await reportActivities.gatherDailyFigures({ fromDay: `${input.month}-01`, toDay: lastDayOf(input.month) });
  await reportActivities.computeReportFigures({ reportId: input.reportId });
  await reportRenderActivities.renderReport({ reportId: input.reportId, stage: 'draft' });
  await reportActivities.setReportStatus({ reportId: input.reportId, status: 'gathering', event: { key: 'gathered', type: 'gathered', at: nowIso(), prometheus: gathered.prometheus, reason: gathered.reason } });

  for (let round = 1; ; round += 1) {
    status = 'commenting';
    commented = false;
    await record({ reportId: input.reportId, status, event: { key: `comments-open-${round}`, type: 'task_opened', task: 'report_comments', at: nowIso() } });
    await condition(() => commented);
    status = 'approval';
    decision = null;
    await record({ reportId: input.reportId, status, comments, event: { key: `comments-${round}`, type: 'commented', at: nowIso() } });
    await condition(() => decision !== null);
    const d = decision as ReportDecisionInput | null;
    if (d!.outcome === 'approve') {
      status = 'approved';
      // The record says approved once the final files are stored and mailed (below).
      await record({ reportId: input.reportId, status: 'approval', event: { key: 'approved', type: 'approved', by: d!.actor.displayName, byUsername: d!.actor.username, at: decidedAt, reason: d!.reason ?? null } });
      break;
    }
    sendBacks.push({ reason: d!.reason!.trim(), by: d!.actor.displayName, at: decidedAt });
    // Back to the operators at once: the comments step is open again before anything else happens.
    status = 'commenting';
    commented = false;
    await record({ reportId: input.reportId, status: 'commenting', event: { key: `sent-back-${round}`, type: 'sent_back', by: d!.actor.displayName, at: decidedAt, reason: d!.reason!.trim() } });
  }
  const files: RenderedFile[] = await reportRenderActivities.renderReport({ reportId: input.reportId, stage: 'final' });
  const mail = await reportActivities.mailReport({ reportId: input.reportId });
  await reportActivities.setReportStatus({ reportId: input.reportId, status: 'approved', event: { key: 'mailed', type: 'mailed', at: nowIso(), messageId: mail.messageId } });
  return { reportId: input.reportId, status: 'approved', files };
}

/**
 * Started by the Temporal Schedule at 09:00 JST on each of the first days of every month: the
 * business calendar (an activity) decides whether today is the month's first business day; only
 * then does it open last month's report (a child that outlives this run).
 */
export async function monthlyReportScheduleWorkflow(_input: Record<string, never>): Promise<ScheduledReportPlan> {
  const plan = await reportActivities.planScheduledReport({ at: workflowInfo().startTime.toISOString() });
  if (!plan.run) return plan;
  try {
    await startChild(monthlyReportWorkflow, {
      workflowId: plan.workflowId!,
      args: [{ reportId: plan.reportId!, month: plan.month }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return plan;
}

/**
 * Nightly (01:00 JST): yesterday's availability per device, VM CPU / memory / disk and traffic per
 * interface from Prometheus, and the storage sample, into PostgreSQL.
 */
export async function dailyFiguresWorkflow(input: DailyFiguresInput): Promise<GatherAvailabilityResult & { dailyFigures?: GatherDailyFiguresResult }> {
  const yesterday = new Date(Date.parse(nowIso()) + 9 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
  const day = input.day ?? yesterday;
  const availability = await reportActivities.gatherAvailability({ fromDay: day, toDay: day });
  if (!patched(DAILY_FIGURES_PATCH)) return availability;
  const dailyFigures = await reportActivities.gatherDailyFigures({ fromDay: day, toDay: day });
  return { ...availability, dailyFigures };
}
