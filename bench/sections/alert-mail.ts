/**
 * Section 3 — alert to e-mail: from POST /api/alerts to the 障害を受け付けました notice accepted by
 * the bench's SMTP server (end of DATA). Alerts are posted one after the other, each opening a new
 * incident.
 */
import type { Ctx } from '../lib/context';
import { pathToActivity, type PathBreakdown } from '../lib/history-shape';
import { percentiles, spreadOfPercentiles, type Percentiles } from '../lib/stats';
import { ACTIVITY } from '../../workflows/shared/contracts';

const HOST = 'vm-zeimu01';
const GAP_MS = 200;

export interface AlertMailSection {
  alertsPerRound: number;
  rounds: number;
  gapMs: number;
  /** Alert posted → notice accepted by SMTP. */
  alertToMailMs: ReturnType<typeof spreadOfPercentiles>;
  /** The POST itself (it answers with the case number once the workflow has registered the case). */
  alertPostMs: ReturnType<typeof spreadOfPercentiles>;
  perRound: Array<{ alertToMail: Percentiles; post: Percentiles }>;
  /**
   * Medians over the measured alerts, from their histories: workflow start → the received e-mail's
   * activity completed, split into waiting for and running workflow tasks and activities.
   */
  workflowPathMedianMs: Record<keyof PathBreakdown, number> | null;
}

interface Posted { caseNumber: string; postedAt: number; ms: number }

async function once(ctx: Ctx, n: number, tag: string): Promise<{ mail: number[]; post: number[]; numbers: string[] }> {
  const { posted } = await ctx.load.call<{ posted: Posted[] }>('alerts', { n, gapMs: GAP_MS, tag, hostname: HOST });
  const accepted = await ctx.stack.smtp.waitFor(posted.map((p) => `${p.caseNumber}.received`), 60_000);
  return {
    mail: posted.map((p) => accepted.get(`${p.caseNumber}.received`)! - p.postedAt),
    post: posted.map((p) => p.ms),
    numbers: posted.map((p) => p.caseNumber),
  };
}

async function paths(ctx: Ctx, numbers: string[]): Promise<PathBreakdown[]> {
  const rows = await ctx.stack.sql<{ workflow_id: string }>('select workflow_id from case_record where number = any($1)', [numbers]);
  const out: PathBreakdown[] = [];
  for (const row of rows) {
    const path = pathToActivity(await ctx.stack.temporal.workflow.getHandle(row.workflow_id).fetchHistory(), ACTIVITY.sendCaseMail);
    if (path) out.push(path);
  }
  return out;
}

export async function runAlertMail(ctx: Ctx): Promise<AlertMailSection> {
  const { opts, say } = ctx;
  say('warm-up: 3 alerts ...');
  await once(ctx, 3, ctx.tag('mail-warm'));
  const perRound: AlertMailSection['perRound'] = [];
  const numbers: string[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    const measured = await ctx.measure(`alert-mail-r${round}`, () => once(ctx, opts.alerts, ctx.tag(`mail-r${round}`)));
    numbers.push(...measured.result.numbers);
    const figures = { alertToMail: percentiles(measured.result.mail), post: percentiles(measured.result.post) };
    perRound.push(figures);
    say(`round ${round}/${opts.rounds}: ${opts.alerts} alerts, alert → e-mail p50 ${figures.alertToMail.p50.toFixed(0)} ms, p99 ${figures.alertToMail.p99.toFixed(0)} ms (POST p50 ${figures.post.p50.toFixed(0)} ms)`);
  }
  const breakdowns = await paths(ctx, numbers);
  const median = (values: number[]) => percentiles(values).p50;
  const keys: Array<keyof PathBreakdown> = ['totalMs', 'workflowTaskQueueMs', 'workflowTaskRunMs', 'activityQueueMs', 'activityRunMs', 'targetRunMs', 'activities', 'workflowTasks'];
  const workflowPathMedianMs = breakdowns.length ? (Object.fromEntries(keys.map((k) => [k, median(breakdowns.map((b) => b[k]))])) as Record<keyof PathBreakdown, number>) : null;
  if (workflowPathMedianMs) {
    const w = workflowPathMedianMs;
    say(`in the workflow (medians): start → e-mail sent ${w.totalMs.toFixed(0)} ms = ${w.workflowTasks} workflow tasks (waiting ${w.workflowTaskQueueMs.toFixed(0)} ms, running ${w.workflowTaskRunMs.toFixed(0)} ms) ` +
      `+ ${w.activities} activities (waiting ${w.activityQueueMs.toFixed(0)} ms, running ${w.activityRunMs.toFixed(0)} ms, of which SMTP ${w.targetRunMs.toFixed(0)} ms)`);
  }
  return {
    workflowPathMedianMs,
    alertsPerRound: opts.alerts, rounds: opts.rounds, gapMs: GAP_MS,
    alertToMailMs: spreadOfPercentiles(perRound.map((r) => r.alertToMail)),
    alertPostMs: spreadOfPercentiles(perRound.map((r) => r.post)),
    perRound,
  };
}
