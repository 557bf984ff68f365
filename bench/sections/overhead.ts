/**
 * Section 1 — what the automation costs over bare Temporal: N incidents from alert to 完了 through
 * the real API, against the same number of bare workflows with the same activities, timers and
 * Updates (bodies doing nothing), in the same run on the same server, at the same concurrency.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { workflowIds } from '../../workflows/shared/ids';
import { countShape, type BaselineShape } from '../baseline/shape';
import type { Ctx, CpuReading, Measured } from '../lib/context';
import { countHistory, shapeOf, type HistoryCounts } from '../lib/history-shape';
import { percentiles, spread, type Percentiles, type Spread } from '../lib/stats';

const HOST = 'vm-zeimu01'; // exactly one department (税務課) in the demo inventory

interface LoadResult {
  startedAt: number;
  endedAt: number;
  completed: number;
  failed: number;
  errors: string[];
  /** Indexes of the cases that completed. */
  succeeded: number[];
  /** Alerts the API answered without a case number (its 15 s wait ran out). */
  lateCaseNumbers?: number;
  latencies: Record<string, number[]>;
  caseNumbers?: string[];
}

interface RunFigures {
  system: 'opsdesk' | 'baseline';
  round: number;
  completed: number;
  failed: number;
  /** Alerts answered without a case number (the API's 15 s wait ran out): found in the case list instead. */
  lateCaseNumbers: number;
  seconds: number;
  casesPerSecond: number;
  /** Waiting for the last workflows to close after the last case was done (trailing e-mail etc.). */
  drainSeconds: number;
  caseLatencyMs: Percentiles;
  cpuSecondsPerCase: Record<string, number>;
  /** PostgreSQL transactions and rows per case (pg_stat_database). */
  databasePerCase: Record<string, number> | null;
  machineBusyShare: number | null;
  machineIowaitShare: number | null;
  /** CPU seconds of processes outside the bench during the run (noise). */
  foreignCpuSeconds: number | null;
  workerThreads: CpuReading['threads'];
  errors: string[];
  profiles?: Measured<unknown>['profiles'];
}

export interface OverheadSection {
  incidentsPerRound: number;
  rounds: number;
  concurrency: number;
  warmup: number;
  incidentHistory: HistoryCounts;
  baselineHistory: HistoryCounts | null;
  shape: BaselineShape;
  shapeCounts: ReturnType<typeof countShape>;
  opsdesk: { casesPerSecond: Spread; caseLatencyP50Ms: Spread; caseLatencyP99Ms: Spread };
  baseline: { casesPerSecond: Spread; caseLatencyP50Ms: Spread; caseLatencyP99Ms: Spread };
  /** opsdesk ÷ baseline throughput, per round (paired) and of the medians. */
  ratio: Spread & { ofMedians: number };
  /**
   * The same ratio from CPU cost instead of wall time: baseline CPU per case ÷ opsdesk CPU per case,
   * over the processes of each system (opsdesk: API, worker, Temporal, PostgreSQL; baseline: its
   * worker, Temporal, PostgreSQL; the load client and the bench are left out). At saturation
   * throughput is cores ÷ CPU per case, so this estimates the ratio without the noise of other work
   * on the machine.
   */
  cpuRatio: Spread;
  systemCpuMsPerCase: { opsdesk: Spread; baseline: Spread };
  /** Per-call latencies of the opsdesk runs (all rounds): the alert intake and each task completion. */
  opsdeskCalls: Record<string, Percentiles>;
  baselineCalls: Record<string, Percentiles>;
  runs: RunFigures[];
}

/** Waits (at most two minutes) for the completed cases' workflows to close: the last e-mail and records after 完了. */
async function drain(ctx: Ctx, workflowIds: string[]): Promise<number> {
  const t0 = Date.now();
  const client = ctx.stack.temporal;
  const all = (async () => {
    for (let i = 0; i < workflowIds.length; i += 50) {
      await Promise.all(workflowIds.slice(i, i + 50).map((id) => client.workflow.getHandle(id).result().catch(() => undefined)));
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((r) => (timer = setTimeout(r, 120_000)))]);
  clearTimeout(timer);
  return (Date.now() - t0) / 1000;
}

function summariseRun(system: RunFigures['system'], round: number, measured: Measured<LoadResult>, drainSeconds: number): RunFigures {
  const { result, cpu } = measured;
  const seconds = (result.endedAt - result.startedAt) / 1000;
  const perCase: Record<string, number> = {};
  for (const [group, value] of Object.entries(cpu.cpuSeconds)) perCase[group] = result.completed ? Math.round((value / result.completed) * 10_000) / 10_000 : NaN;
  return {
    system, round, completed: result.completed, failed: result.failed, lateCaseNumbers: result.lateCaseNumbers ?? 0, seconds,
    casesPerSecond: result.completed / seconds, drainSeconds,
    caseLatencyMs: percentiles(result.latencies.case ?? []),
    cpuSecondsPerCase: perCase,
    databasePerCase: cpu.database ? Object.fromEntries(Object.entries(cpu.database).map(([k, v]) => [k, result.completed ? Math.round((v / result.completed) * 10) / 10 : NaN])) : null,
    machineBusyShare: cpu.machineBusyShare, machineIowaitShare: cpu.machineIowaitShare, foreignCpuSeconds: cpu.foreignCpuSeconds, workerThreads: cpu.threads,
    errors: result.errors, profiles: measured.profiles,
  };
}

export async function runOverhead(ctx: Ctx): Promise<OverheadSection> {
  const { opts, stack, say } = ctx;
  const n = opts.incidents;
  const concurrency = opts.concurrency;
  await stack.startBaselineWorker();

  // Warm-up both, and learn the incident's history shape from a completed one.
  say(`warm-up: ${opts.warmupIncidents} incidents through the API ...`);
  const warm = await ctx.load.call<LoadResult>('incidents', { n: opts.warmupIncidents, concurrency, tag: ctx.tag('warm'), hostname: HOST });
  if (!warm.caseNumbers?.length) throw new Error(`no warm-up incident completed: ${warm.errors.join('; ')}`);
  const sampleId = workflowIds.alertIncident(HOST, `BenchLoad-${ctx.tag('warm')}-0`);
  const [sampleRow] = await stack.sql<{ workflow_id: string }>('select workflow_id from case_record where number = $1', [warm.caseNumbers[0]]);
  const sample: WorkflowHandle = stack.temporal.workflow.getHandle(sampleRow?.workflow_id ?? sampleId);
  await sample.result();
  const history = await sample.fetchHistory();
  const incidentHistory = countHistory(history);
  const shape = shapeOf(history);
  const shapeCounts = countShape(shape);
  say(`incident history: ${incidentHistory.events} events, ${incidentHistory.activities} activities, ${incidentHistory.timersStarted} timers (${incidentHistory.timersCancelled} cancelled), ` +
    `${incidentHistory.updatesAccepted} updates, ${incidentHistory.signals} signal, ${incidentHistory.searchAttributeUpserts} search-attribute upserts, ${incidentHistory.workflowTasks} workflow tasks`);
  const baselineWarm = await ctx.load.call<LoadResult>('baseline', { n: opts.warmupIncidents, concurrency, tag: ctx.tag('warm'), taskQueue: stack.baselineTaskQueue, shape });
  if (baselineWarm.completed === 0) throw new Error(`no baseline warm-up case completed: ${baselineWarm.errors.join('; ')}`);
  const baselineHandle = stack.temporal.workflow.getHandle(`bench-baseline-${ctx.tag('warm')}-0`);
  await baselineHandle.result();
  const baselineHistory = countHistory(await baselineHandle.fetchHistory());
  say(`baseline history: ${baselineHistory.events} events, ${baselineHistory.activities} activities, ${baselineHistory.timersStarted} timers, ${baselineHistory.updatesAccepted} updates`);

  const runs: RunFigures[] = [];
  const opsdeskCalls: Record<string, number[]> = {};
  const baselineCalls: Record<string, number[]> = {};
  for (let round = 1; round <= opts.rounds; round++) {
    const order: Array<'opsdesk' | 'baseline'> = round % 2 === 1 ? ['opsdesk', 'baseline'] : ['baseline', 'opsdesk'];
    for (const system of order) {
      const tag = ctx.tag(`r${round}`);
      say(`round ${round}/${opts.rounds}: ${system}, ${n} cases, ${concurrency} in flight ...`);
      if (system === 'opsdesk') {
        const measured = await ctx.measure(`overhead-r${round}-opsdesk`, () => ctx.load.call<LoadResult>('incidents', { n, concurrency, tag, hostname: HOST }));
        const drainSeconds = await drain(ctx, measured.result.succeeded.map((i) => workflowIds.alertIncident(HOST, `BenchLoad-${tag}-${i}`)));
        for (const [name, values] of Object.entries(measured.result.latencies)) (opsdeskCalls[name] ??= []).push(...values);
        runs.push(summariseRun('opsdesk', round, measured, drainSeconds));
      } else {
        const measured = await ctx.measure(`overhead-r${round}-baseline`, () =>
          ctx.load.call<LoadResult>('baseline', { n, concurrency, tag, taskQueue: stack.baselineTaskQueue, shape }));
        const drainSeconds = await drain(ctx, measured.result.succeeded.map((i) => `bench-baseline-${tag}-${i}`));
        for (const [name, values] of Object.entries(measured.result.latencies)) (baselineCalls[name] ??= []).push(...values);
        runs.push(summariseRun('baseline', round, measured, drainSeconds));
      }
      const last = runs[runs.length - 1];
      say(`  ${system}: ${last.completed}/${n} done in ${last.seconds.toFixed(1)} s = ${last.casesPerSecond.toFixed(2)} cases/s` +
        `${last.failed ? ` (${last.failed} failed: ${last.errors[0]})` : ''}; case p50 ${last.caseLatencyMs.p50.toFixed(0)} ms; CPU busy ${last.machineBusyShare === null ? '?' : Math.round(last.machineBusyShare * 100)} %, I/O wait ${last.machineIowaitShare === null ? '?' : Math.round(last.machineIowaitShare * 100)} %`);
    }
  }
  await stack.stopChild('baseline');

  const of = (system: 'opsdesk' | 'baseline') => runs.filter((r) => r.system === system);
  const throughput = (system: 'opsdesk' | 'baseline') => spread(of(system).map((r) => r.casesPerSecond));
  const opsdesk = { casesPerSecond: throughput('opsdesk'), caseLatencyP50Ms: spread(of('opsdesk').map((r) => r.caseLatencyMs.p50)), caseLatencyP99Ms: spread(of('opsdesk').map((r) => r.caseLatencyMs.p99)) };
  const baseline = { casesPerSecond: throughput('baseline'), caseLatencyP50Ms: spread(of('baseline').map((r) => r.caseLatencyMs.p50)), caseLatencyP99Ms: spread(of('baseline').map((r) => r.caseLatencyMs.p99)) };
  const pairedRatios = Array.from({ length: opts.rounds }, (_, i) => {
    const o = runs.find((r) => r.system === 'opsdesk' && r.round === i + 1);
    const b = runs.find((r) => r.system === 'baseline' && r.round === i + 1);
    return o && b ? o.casesPerSecond / b.casesPerSecond : NaN;
  });
  const SYSTEM_GROUPS = { opsdesk: ['api', 'worker', 'temporal', 'postgres'], baseline: ['baseline', 'temporal', 'postgres'] };
  const systemCpu = (run: RunFigures) => SYSTEM_GROUPS[run.system].reduce((sum, g) => sum + (run.cpuSecondsPerCase[g] ?? 0), 0) * 1000;
  const cpuRatios = Array.from({ length: opts.rounds }, (_, i) => {
    const o = runs.find((r) => r.system === 'opsdesk' && r.round === i + 1);
    const b = runs.find((r) => r.system === 'baseline' && r.round === i + 1);
    return o && b ? systemCpu(b) / systemCpu(o) : NaN;
  });
  const summarise = (calls: Record<string, number[]>) => Object.fromEntries(Object.entries(calls).map(([name, values]) => [name, percentiles(values)]));
  return {
    incidentsPerRound: n, rounds: opts.rounds, concurrency, warmup: opts.warmupIncidents,
    incidentHistory, baselineHistory, shape, shapeCounts,
    opsdesk, baseline,
    ratio: { ...spread(pairedRatios), ofMedians: opsdesk.casesPerSecond.median / baseline.casesPerSecond.median },
    cpuRatio: spread(cpuRatios),
    systemCpuMsPerCase: { opsdesk: spread(of('opsdesk').map(systemCpu)), baseline: spread(of('baseline').map(systemCpu)) },
    opsdeskCalls: summarise(opsdeskCalls), baselineCalls: summarise(baselineCalls),
    runs,
  };
}
