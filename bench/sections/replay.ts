/**
 * Section 6 — replay: the time `Worker.runReplayHistory` takes for a history of ~1,000 events
 * (an incident that many repeated alerts joined: each is a signal and a record activity), the
 * way an auditor or a deployment check replays it. Also the same history replayed many times in
 * one replay worker (per-history cost without the worker's start-up) and a typical incident.
 */
import { Worker } from '@temporalio/worker';
import type { Ctx } from '../lib/context';
import { countHistory } from '../lib/history-shape';
import { spread, type Spread } from '../lib/stats';

const HOST = 'vm-zeimu01';

export interface ReplaySection {
  events: number;
  alertsJoined: number;
  rounds: number;
  /** One Worker.runReplayHistory call (creates the replay worker, replays, shuts it down). */
  replayMs: Spread;
  /** Per history when many are replayed by one replay worker (runReplayHistories). */
  amortisedMs: Spread;
  amortisedBatch: number;
  typicalIncident: { events: number; replayMs: Spread } | null;
}

async function timeReplay(ctx: Ctx, history: unknown, workflowId: string): Promise<number> {
  const t0 = performance.now();
  await Worker.runReplayHistory({ workflowBundle: { codePath: ctx.stack.workflowBundle }, replayName: 'opsdesk-bench' }, history, workflowId);
  return performance.now() - t0;
}

async function timeReplayMany(ctx: Ctx, history: unknown, workflowId: string, count: number): Promise<number> {
  const histories = Array.from({ length: count }, () => ({ history, workflowId }));
  const t0 = performance.now();
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: ctx.stack.workflowBundle }, replayName: 'opsdesk-bench-many' }, histories as never)) {
    if (result.error) throw result.error;
  }
  return (performance.now() - t0) / count;
}

export async function runReplay(ctx: Ctx): Promise<ReplaySection> {
  const { opts, stack, say } = ctx;
  const alertName = `BenchReplay-${ctx.tag('long')}`;
  const first = await ctx.load.call<{ caseNumber: string }>('joinAlerts', { hostname: HOST, alertName, count: 1 });
  const [row] = await stack.sql<{ workflow_id: string }>('select workflow_id from case_record where number = $1', [first.caseNumber]);
  const handle = stack.temporal.workflow.getHandle(row.workflow_id);
  const length = async () => (await handle.fetchHistory()).events?.length ?? 0;
  let alerts = 1;
  let events = await length();
  const probe = Math.min(20, Math.max(5, Math.ceil(opts.replayEvents / 50)));
  await ctx.load.call('joinAlerts', { hostname: HOST, alertName, count: probe });
  alerts += probe;
  await new Promise((r) => setTimeout(r, 500));
  const afterProbe = await length();
  const perAlert = Math.max(1, (afterProbe - events) / probe);
  events = afterProbe;
  say(`building a ${opts.replayEvents}-event history: ${first.caseNumber} gains ~${perAlert.toFixed(1)} events per joined alert ...`);
  while (events < opts.replayEvents) {
    const need = Math.max(1, Math.ceil((opts.replayEvents - events) / perAlert));
    await ctx.load.call('joinAlerts', { hostname: HOST, alertName, count: need });
    alerts += need;
    await new Promise((r) => setTimeout(r, 500));
    events = await length();
  }
  const history = await handle.fetchHistory();
  const counts = countHistory(history);
  say(`history of ${counts.events} events (${alerts} alerts, ${counts.signals} signals, ${counts.activities} activities); replaying ...`);

  await timeReplay(ctx, history, row.workflow_id); // warm-up
  const single: number[] = [];
  for (let i = 0; i < opts.replayRounds; i++) single.push(await timeReplay(ctx, history, row.workflow_id));
  const batch = opts.quick ? 3 : 10;
  const many: number[] = [];
  for (let i = 0; i < Math.min(3, opts.replayRounds); i++) many.push(await timeReplayMany(ctx, history, row.workflow_id, batch));

  let typicalIncident: ReplaySection['typicalIncident'] = null;
  const [done] = await stack.sql<{ workflow_id: string }>(`select workflow_id from case_record where kind = 'incident' and status = 'done' and workflow_id like 'incident:alert:%benchload%' limit 1`);
  if (done) {
    const typical = await stack.temporal.workflow.getHandle(done.workflow_id).fetchHistory();
    const times: number[] = [];
    for (let i = 0; i < opts.replayRounds; i++) times.push(await timeReplay(ctx, typical, done.workflow_id));
    typicalIncident = { events: typical.events?.length ?? 0, replayMs: spread(times) };
  }
  const result: ReplaySection = {
    events: counts.events, alertsJoined: alerts, rounds: opts.replayRounds,
    replayMs: spread(single), amortisedMs: spread(many), amortisedBatch: batch, typicalIncident,
  };
  say(`replay of ${counts.events} events: median ${result.replayMs.median.toFixed(0)} ms (min ${result.replayMs.min.toFixed(0)}, max ${result.replayMs.max.toFixed(0)}); ` +
    `${result.amortisedMs.median.toFixed(0)} ms each when ${batch} share a replay worker`);
  return result;
}
