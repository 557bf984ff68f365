/**
 * Section 6 — replay: the time `Worker.runReplayHistory` takes for a history of ~1,000 events
 * (an incident that many repeated alerts joined: each is a signal and a record activity), the
 * way an auditor or a deployment check replays it; also per history when several are replayed by
 * one replay worker (runReplayHistories: without the worker's start-up), and a typical incident.
 * Replays run in a process of their own (processes/replay.ts).
 */
import { temporal } from '@temporalio/proto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaselineShape } from '../baseline/shape';
import type { Ctx } from '../lib/context';
import { countHistory } from '../lib/history-shape';
import { ensureDir } from '../lib/stack';
import { summariseProfile, type ProfileSummary } from '../lib/profile-summary';
import { spread, type Spread } from '../lib/stats';

const HOST = 'vm-zeimu01';

export interface ReplaySection {
  events: number;
  alertsJoined: number;
  rounds: number;
  /** One Worker.runReplayHistory call (creates the replay worker, replays, shuts it down). */
  replayMs: Spread;
  warmUpMs: number;
  /** Per history when `amortisedBatch` copies are replayed by one replay worker (runReplayHistories). */
  amortisedMs: Spread;
  amortisedBatch: number;
  typicalIncident: { events: number; replayMs: Spread; amortisedMs: Spread } | null;
  /** The same for a bare workflow (bench/baseline) of about as many events: Temporal's SDK alone. */
  bareWorkflow: { events: number; replayMs: Spread; amortisedMs: Spread } | null;
  /**
   * The same measurements without the SDK's workflow stack-trace promise hook, as opsdesk's own
   * replays run (src/audit-history/replay-stack-traces.ts); the figures above keep the SDK's default.
   */
  withoutStackTraces: {
    replayMs: Spread; amortisedMs: Spread;
    typicalIncident: { replayMs: Spread; amortisedMs: Spread } | null;
    bareWorkflow: { replayMs: Spread; amortisedMs: Spread } | null;
  } | null;
  /**
   * The goals' ratios, both sides without the hook (as opsdesk runs): one replay (a replay worker
   * each) and the events per second when histories share one replay worker (`audit replay --all`).
   */
  ratios: { single: number | null; eventsPerSecondShared: number | null; opsdeskEventsPerSecondShared: number | null; bareEventsPerSecondShared: number | null } | null;
  profiles?: ProfileSummary[];
}

/** Protobuf binary, exactly as the server sent it (processes/replay.ts decodes it). */
function encodeHistory(history: temporal.api.history.v1.IHistory): Uint8Array {
  return temporal.api.history.v1.History.encode(temporal.api.history.v1.History.fromObject(history)).finish();
}

interface ReplayTimes { warmUpMs: number; singleMs: number[]; perHistoryInBatchMs: number[] }

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
  const dir = ensureDir(join(stack.scratch, 'histories'));
  const longFile = join(dir, 'long.pb');
  writeFileSync(longFile, encodeHistory(history));

  let typical: { file: string; workflowId: string; events: number } | null = null;
  const [done] = await stack.sql<{ workflow_id: string }>(`select workflow_id from case_record where kind = 'incident' and status = 'done' and workflow_id like 'incident:alert:%benchload%' limit 1`);
  if (done) {
    const typicalHistory = await stack.temporal.workflow.getHandle(done.workflow_id).fetchHistory();
    typical = { file: join(dir, 'typical.pb'), workflowId: done.workflow_id, events: typicalHistory.events?.length ?? 0 };
    writeFileSync(typical.file, encodeHistory(typicalHistory));
  }

  // A bare workflow with about as many events: Updates answered after three no-op activities each.
  let bare: { file: string; workflowId: string; events: number } | null = null;
  try {
    await stack.startBaselineWorker();
    const updates = Math.max(1, Math.round(opts.replayEvents / 23));
    const shape: BaselineShape = {
      signalWithStart: true,
      segments: [
        { beforeReturn: [], afterReturn: [1], timersStarted: [], timersCancelled: 0 },
        ...Array.from({ length: updates }, () => ({ beforeReturn: [1, 1, 1], afterReturn: [], timersStarted: [], timersCancelled: 0 })),
      ],
    };
    const tag = ctx.tag('replay-bare');
    const run = await ctx.load.call<{ completed: number; errors: string[] }>('baseline', { n: 1, concurrency: 1, tag, taskQueue: stack.baselineTaskQueue, shape });
    if (run.completed !== 1) throw new Error(run.errors.join('; '));
    const workflowId = `bench-baseline-${tag}-0`;
    const bareHandle = stack.temporal.workflow.getHandle(workflowId);
    await bareHandle.result();
    const bareHistory = await bareHandle.fetchHistory();
    bare = { file: join(dir, 'bare.pb'), workflowId, events: bareHistory.events?.length ?? 0 };
    writeFileSync(bare.file, encodeHistory(bareHistory));
  } catch (error) {
    say(`no bare-workflow history to compare with: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await stack.stopChild('baseline');
  }

  say(`history of ${counts.events} events (${alerts} alerts, ${counts.signals} signals, ${counts.activities} activities); replaying in a process of its own ...`);
  const profileDir = opts.profile ? ensureDir(join(ctx.runDir, 'profiles', 'replay')) : undefined;
  const replayer = await stack.startReplay(profileDir);
  const batch = opts.quick ? 3 : 10;
  let long: ReplayTimes;
  let typicalTimes: ReplayTimes | null = null;
  let bareTimes: ReplayTimes | null = null;
  let longOff: ReplayTimes | null = null;
  let typicalOff: ReplayTimes | null = null;
  let bareOff: ReplayTimes | null = null;
  const run = (file: string, workflowId: string, bundle: string, stackTraces: boolean) => replayer.call<ReplayTimes>('replay', {
    historyFile: file, workflowId, bundle, rounds: opts.replayRounds, batches: Math.min(3, opts.replayRounds), batchSize: batch, stackTraces,
  });
  try {
    // SDK default (stack traces on), then as opsdesk replays (off); opsdesk and bare alternate within each.
    long = await run(longFile, row.workflow_id, stack.workflowBundle, true);
    if (bare) bareTimes = await run(bare.file, bare.workflowId, stack.baselineBundle, true);
    if (typical) typicalTimes = await run(typical.file, typical.workflowId, stack.workflowBundle, true);
    try {
      longOff = await run(longFile, row.workflow_id, stack.workflowBundle, false);
      if (bare) bareOff = await run(bare.file, bare.workflowId, stack.baselineBundle, false);
      if (typical) typicalOff = await run(typical.file, typical.workflowId, stack.workflowBundle, false);
    } catch (error) {
      say(`replays without stack traces not measured: ${error instanceof Error ? error.message : String(error)}`);
    }
  } finally {
    await stack.stopChild('replay');
  }
  const median = (values: number[]) => spread(values).median;
  const ratios = longOff && bareOff && bare ? {
    single: median(longOff.singleMs) / median(bareOff.singleMs) * (bare.events / counts.events),
    opsdeskEventsPerSecondShared: counts.events / (median(longOff.perHistoryInBatchMs) / 1000),
    bareEventsPerSecondShared: bare.events / (median(bareOff.perHistoryInBatchMs) / 1000),
    eventsPerSecondShared: (counts.events / median(longOff.perHistoryInBatchMs)) / (bare.events / median(bareOff.perHistoryInBatchMs)),
  } : null;
  const result: ReplaySection = {
    events: counts.events, alertsJoined: alerts, rounds: opts.replayRounds,
    replayMs: spread(long.singleMs), warmUpMs: long.warmUpMs, amortisedMs: spread(long.perHistoryInBatchMs), amortisedBatch: batch,
    typicalIncident: typical && typicalTimes ? { events: typical.events, replayMs: spread(typicalTimes.singleMs), amortisedMs: spread(typicalTimes.perHistoryInBatchMs) } : null,
    bareWorkflow: bare && bareTimes ? { events: bare.events, replayMs: spread(bareTimes.singleMs), amortisedMs: spread(bareTimes.perHistoryInBatchMs) } : null,
    withoutStackTraces: longOff ? {
      replayMs: spread(longOff.singleMs), amortisedMs: spread(longOff.perHistoryInBatchMs),
      typicalIncident: typicalOff ? { replayMs: spread(typicalOff.singleMs), amortisedMs: spread(typicalOff.perHistoryInBatchMs) } : null,
      bareWorkflow: bareOff ? { replayMs: spread(bareOff.singleMs), amortisedMs: spread(bareOff.perHistoryInBatchMs) } : null,
    } : null,
    ratios,
  };
  if (profileDir) result.profiles = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => summariseProfile(join(profileDir, f)));
  say(`replay of ${counts.events} events: median ${result.replayMs.median.toFixed(0)} ms (min ${result.replayMs.min.toFixed(0)}, max ${result.replayMs.max.toFixed(0)}); ` +
    `${result.amortisedMs.median.toFixed(0)} ms each when ${batch} share a replay worker` +
    (result.typicalIncident ? `; a typical incident (${result.typicalIncident.events} events) ${result.typicalIncident.replayMs.median.toFixed(0)} ms` : '') +
    (result.bareWorkflow ? `; a bare workflow of ${result.bareWorkflow.events} events ${result.bareWorkflow.replayMs.median.toFixed(0)} ms (${result.bareWorkflow.amortisedMs.median.toFixed(0)} ms shared)` : ''));
  if (result.withoutStackTraces) {
    const w = result.withoutStackTraces;
    say(`without the stack-trace hook: ${w.replayMs.median.toFixed(0)} ms, ${w.amortisedMs.median.toFixed(0)} ms shared` +
      (w.bareWorkflow ? `; bare ${w.bareWorkflow.replayMs.median.toFixed(0)} ms, ${w.bareWorkflow.amortisedMs.median.toFixed(0)} ms shared` : '') +
      (ratios ? `; ratio per event ${ratios.single?.toFixed(2)}, shared events/s ${ratios.eventsPerSecondShared?.toFixed(2)} of bare` : ''));
  }
  return result;
}
