/**
 * Section 3 — alert to e-mail: from POST /api/alerts to the 障害を受け付けました notice accepted by
 * the bench's SMTP server (end of DATA). Alerts are posted one after the other, each opening a new
 * incident.
 */
import type { Ctx } from '../lib/context';
import { percentiles, spreadOfPercentiles, type Percentiles } from '../lib/stats';

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
}

interface Posted { caseNumber: string; postedAt: number; ms: number }

async function once(ctx: Ctx, n: number, tag: string): Promise<{ mail: number[]; post: number[] }> {
  const { posted } = await ctx.load.call<{ posted: Posted[] }>('alerts', { n, gapMs: GAP_MS, tag, hostname: HOST });
  const accepted = await ctx.stack.smtp.waitFor(posted.map((p) => `${p.caseNumber}.received`), 60_000);
  return {
    mail: posted.map((p) => accepted.get(`${p.caseNumber}.received`)! - p.postedAt),
    post: posted.map((p) => p.ms),
  };
}

export async function runAlertMail(ctx: Ctx): Promise<AlertMailSection> {
  const { opts, say } = ctx;
  say('warm-up: 3 alerts ...');
  await once(ctx, 3, ctx.tag('mail-warm'));
  const perRound: AlertMailSection['perRound'] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    const measured = await ctx.measure(`alert-mail-r${round}`, () => once(ctx, opts.alerts, ctx.tag(`mail-r${round}`)));
    const figures = { alertToMail: percentiles(measured.result.mail), post: percentiles(measured.result.post) };
    perRound.push(figures);
    say(`round ${round}/${opts.rounds}: ${opts.alerts} alerts, alert → e-mail p50 ${figures.alertToMail.p50.toFixed(0)} ms, p99 ${figures.alertToMail.p99.toFixed(0)} ms (POST p50 ${figures.post.p50.toFixed(0)} ms)`);
  }
  return {
    alertsPerRound: opts.alerts, rounds: opts.rounds, gapMs: GAP_MS,
    alertToMailMs: spreadOfPercentiles(perRound.map((r) => r.alertToMail)),
    alertPostMs: spreadOfPercentiles(perRound.map((r) => r.post)),
    perRound,
  };
}
