/**
 * Section 2 — API latency at a fixed concurrency with 100,000 cases in the database: the case
 * list filtered and paged (several filters, as people use it), the inbox (GET /api/tasks?mine=true)
 * and a task completion (the Update round trip through the workflow).
 */
import { bulkInsertCases } from '../lib/bulk';
import { pathOfFirstUpdate, type PathBreakdown } from '../lib/history-shape';
import type { CpuReading, Ctx } from '../lib/context';
import { percentiles, seededRandom, spread, spreadOfPercentiles, type Percentiles, type Spread } from '../lib/stats';

const HOST = 'vm-zeimu01';

export type LatencySpread = ReturnType<typeof spreadOfPercentiles>;

export interface ListLatency {
  concurrency: number;
  requestsPerRound: number;
  rounds: number;
  /** Every list variant together, and each on its own. */
  all: LatencySpread;
  variants: Record<string, LatencySpread>;
  requestsPerSecond: number[];
  /** CPU milliseconds per request by process group (median of rounds): where each request's time goes. */
  cpuMsPerRequest: Record<string, number>;
  /**
   * case_record rows read from the table through an index, per request over the measured rounds
   * (pg_stat_user_tables.idx_tup_fetch): the page of rows a list returns, plus every entry an
   * index-only walk had to check in the table because its page was not yet all-visible.
   */
  caseRowsFetchedPerRequest: number | null;
}

/** Per-request CPU ms by group, the median over rounds. */
export function cpuPerRequest(readings: Array<{ cpu: CpuReading; requests: number }>): Record<string, number> {
  const groups = [...new Set(readings.flatMap((r) => Object.keys(r.cpu.cpuSeconds)))];
  const out: Record<string, number> = {};
  for (const g of groups) {
    const values = readings.map((r) => (r.requests ? ((r.cpu.cpuSeconds[g] ?? 0) * 1000) / r.requests : 0));
    const median = Math.round(spread(values).median * 100) / 100;
    if (median > 0.05) out[g] = median;
  }
  return out;
}

export interface ApiLatencySection {
  cases: number;
  bulkInsertSeconds: number;
  tableSizeBytes: number;
  list: ListLatency;
  tasksMine: ListLatency;
  completion: {
    concurrency: number; perRound: number; rounds: number; latency: LatencySpread; preparedSeconds: number; cpuMsPerRequest: Record<string, number>;
    /** The same completions one at a time: the round trip without waiting behind others. */
    alone: Percentiles | null;
    /** Inside the workflow, from the histories of measured completions (medians): Update accepted → completed. */
    workflowPathMedianMs: Record<keyof PathBreakdown, number> | null;
    /**
     * The same round trip on bare Temporal, measured in the same rounds (interleaved): a bare
     * workflow's Update whose handler runs one no-op activity and returns, sent by the Temporal
     * client at the same concurrency, and one at a time. `ratio`: opsdesk ÷ bare per round.
     */
    bare: {
      latency: LatencySpread; alone: Percentiles | null; cpuMsPerRequest: Record<string, number>;
      ratioP50: Spread; ratioP99: Spread; aloneRatioP50: number | null; aloneRatioP99: number | null;
    } | null;
  };
  /** List and inbox requests one at a time: what a request costs without waiting behind others. */
  listAlone: Record<string, Percentiles>;
}

interface GetResult { latencies: Record<string, number[]>; startedAt: number; endedAt: number; failed: number; errors: string[]; stoppedEarly: boolean }

/** A round ends after this many requests or this long, whichever comes first (a very slow endpoint must not stall the run). */
const ROUND_MAX_SECONDS = 30;

/** The list requests people make: filtered by kind and status and paged, searched, by month, a department's own. */
export function listRequests(seed: number, years: number[]): Array<{ label: string; username: string; path: string }> {
  const random = seededRandom(seed);
  const out: Array<{ label: string; username: string; path: string }> = [];
  for (let i = 0; i < 20; i++) {
    const page = Math.floor(random() * 20);
    out.push({ label: 'filter+page', username: 'ga1', path: `/api/cases?kind=incident&status=done&limit=50&offset=${page * 50}` });
    const host = ['esx01', 'db01', 'vm-zeimu01', 'stor01', 'fw01'][Math.floor(random() * 5)];
    out.push({ label: 'search', username: 'ga1', path: `/api/cases?q=${host}&limit=50` });
    const year = years[Math.floor(random() * years.length)];
    const month = 1 + Math.floor(random() * 12);
    const from = `${year}-${String(month).padStart(2, '0')}-01T00:00:00%2B09:00`;
    const to = month === 12 ? `${year + 1}-01-01T00:00:00%2B09:00` : `${year}-${String(month + 1).padStart(2, '0')}-01T00:00:00%2B09:00`;
    out.push({ label: 'month', username: 'ga1', path: `/api/cases?from=${from}&to=${to}&limit=50` });
    out.push({ label: 'department', username: 'dept1', path: `/api/cases?status=done&limit=50&offset=${Math.floor(random() * 5) * 50}` });
  }
  return out;
}

export async function measureGets(ctx: Ctx, label: string, requests: Array<{ label: string; username: string; path: string }>, rounds: number): Promise<ListLatency> {
  const { opts, say } = ctx;
  await ctx.load.call<GetResult>('getLatency', { requests, count: Math.max(10, Math.ceil(opts.latencyRequests / 6)), concurrency: opts.latencyConcurrency, label: `${label} warm-up`, maxSeconds: ROUND_MAX_SECONDS / 3 });
  const all: Percentiles[] = [];
  const variants: Record<string, Percentiles[]> = {};
  const rps: number[] = [];
  const readings: Array<{ cpu: CpuReading; requests: number }> = [];
  const fetchedBefore = await caseRowsFetched(ctx);
  let requestsMeasured = 0;
  for (let round = 1; round <= rounds; round++) {
    const measured = await ctx.measure(`${label}-r${round}`, () =>
      ctx.load.call<GetResult>('getLatency', { requests, count: opts.latencyRequests, concurrency: opts.latencyConcurrency, label: `${label} r${round}`, maxSeconds: ROUND_MAX_SECONDS }));
    const result = measured.result;
    if (result.failed) throw new Error(`${label}: ${result.failed} requests failed: ${result.errors.join('; ')}`);
    const values = Object.values(result.latencies).flat();
    readings.push({ cpu: measured.cpu, requests: values.length });
    requestsMeasured += values.length;
    const p = percentiles(values);
    all.push(p);
    for (const [name, v] of Object.entries(result.latencies)) (variants[name] ??= []).push(percentiles(v));
    rps.push(values.length / ((result.endedAt - result.startedAt) / 1000));
    say(`${label} round ${round}/${rounds}: p50 ${p.p50.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms (${rps[rps.length - 1].toFixed(0)} req/s at ${opts.latencyConcurrency} in flight` +
      `${result.stoppedEarly ? `; stopped after ${ROUND_MAX_SECONDS} s with ${values.length} of ${opts.latencyRequests} requests` : ''})`);
  }
  return {
    concurrency: opts.latencyConcurrency, requestsPerRound: opts.latencyRequests, rounds,
    all: spreadOfPercentiles(all),
    variants: Object.fromEntries(Object.entries(variants).map(([name, list]) => [name, spreadOfPercentiles(list)])),
    requestsPerSecond: rps,
    cpuMsPerRequest: cpuPerRequest(readings),
    caseRowsFetchedPerRequest: perRequest(fetchedBefore, await caseRowsFetched(ctx), requestsMeasured),
  };
}

const perRequest = (before: number | null, after: number | null, requests: number) =>
  before === null || after === null || !requests ? null : (after - before) / requests;

/**
 * The table's running count of rows fetched through indexes. A backend publishes its counts when it
 * has been idle for a second, so the reading waits that long after the requests before it.
 */
async function caseRowsFetched(ctx: Ctx): Promise<number | null> {
  await new Promise((r) => setTimeout(r, 1_500));
  const [row] = await ctx.stack.sql<{ fetched: string | null }>(`select idx_tup_fetch as fetched from pg_stat_user_tables where relname = 'case_record'`).catch(() => []);
  return row?.fetched == null ? null : Number(row.fetched);
}

export const tasksRequests = [
  { label: 'operator', username: 'op1', path: '/api/tasks?mine=true' },
  { label: 'general affairs', username: 'ga1', path: '/api/tasks?mine=true' },
  { label: 'department', username: 'dept1', path: '/api/tasks?mine=true' },
];

/** `casesInserted` hears of the closed cases as soon as they are in, so section 5 can list them even when a later part of this section fails. */
export async function runApiLatency(ctx: Ctx, casesInserted: (years: number[]) => void = () => {}): Promise<ApiLatencySection & { years: number[] }> {
  const { opts, stack, say } = ctx;
  say(`bulk-inserting ${opts.cases.toLocaleString('en')} closed cases into case_record (generate_series, seed ${opts.seed}) ...`);
  const bulk = await bulkInsertCases(stack, opts.cases, opts.seed);
  const [{ size }] = await stack.sql<{ size: string }>(`select pg_total_relation_size('case_record') as size`);
  say(`inserted in ${bulk.seconds.toFixed(1)} s; case_record is ${(Number(size) / 2 ** 20).toFixed(0)} MiB with its indexes`);
  casesInserted(bulk.years);

  const list = await measureGets(ctx, 'list', listRequests(opts.seed, bulk.years), opts.rounds);
  const tasksMine = await measureGets(ctx, 'tasks?mine', tasksRequests, opts.rounds);

  // Completions: incidents waiting at their first task, completed at the same fixed concurrency.
  const perRound = opts.completions;
  const warm = Math.max(2, Math.ceil(perRound / 10));
  const t0 = Date.now();
  const aloneCount = Math.max(5, Math.ceil(perRound / 3));
  say(`opening ${warm + perRound * opts.rounds + aloneCount} incidents for the completion round trip ...`);
  const prepared = await ctx.load.call<{ tasks: string[]; failed: number; errors: string[] }>('openIncidents', {
    n: warm + perRound * opts.rounds + aloneCount, concurrency: Math.max(4, opts.latencyConcurrency), tag: ctx.tag('complete'), hostname: HOST,
  });
  if (prepared.tasks.length < warm + perRound) throw new Error(`only ${prepared.tasks.length} incidents opened: ${prepared.errors.join('; ')}`);
  const preparedSeconds = (Date.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 2_000)); // let the openings' e-mails and records settle
  const tasks = prepared.tasks;
  await ctx.load.call('completeLatency', { tasks: tasks.slice(0, warm), concurrency: opts.latencyConcurrency, label: 'complete warm-up' });
  // The bare baseline: as many bare workflows, each waiting for one Update (one activity, then the answer).
  let bareIds: string[] = [];
  try {
    await stack.startBaselineWorker();
    const opened = await ctx.load.call<{ workflowIds: string[]; failed: number; errors: string[] }>('baselineUpdateOpen', {
      n: warm + perRound * opts.rounds + aloneCount, concurrency: Math.max(4, opts.latencyConcurrency), tag: ctx.tag('bare-update'), taskQueue: stack.baselineTaskQueue,
    });
    if (opened.workflowIds.length < warm + perRound) throw new Error(`only ${opened.workflowIds.length} bare workflows started: ${opened.errors.join('; ')}`);
    bareIds = opened.workflowIds;
    await ctx.load.call('baselineUpdateLatency', { workflowIds: bareIds.slice(0, warm), concurrency: opts.latencyConcurrency, label: 'bare update warm-up' });
  } catch (error) {
    say(`no bare Update baseline: ${error instanceof Error ? error.message : String(error)}`);
    bareIds = [];
  }
  const rounds: Percentiles[] = [];
  const readings: Array<{ cpu: CpuReading; requests: number }> = [];
  const bareRounds: Percentiles[] = [];
  const bareReadings: Array<{ cpu: CpuReading; requests: number }> = [];
  const ratioP50: number[] = [];
  const ratioP99: number[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    const slice = tasks.slice(warm + (round - 1) * perRound, warm + round * perRound);
    if (slice.length === 0) break;
    const measured = await ctx.measure(`complete-r${round}`, () =>
      ctx.load.call<{ latencies: number[]; failed: number; errors: string[] }>('completeLatency', { tasks: slice, concurrency: opts.latencyConcurrency, label: `complete r${round}` }));
    if (measured.result.failed) throw new Error(`completion: ${measured.result.failed} failed: ${measured.result.errors.join('; ')}`);
    const p = percentiles(measured.result.latencies);
    rounds.push(p);
    readings.push({ cpu: measured.cpu, requests: measured.result.latencies.length });
    say(`task completion round ${round}/${opts.rounds}: p50 ${p.p50.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms`);
    const bareSlice = bareIds.slice(warm + (round - 1) * perRound, warm + round * perRound);
    if (bareSlice.length) {
      const bare = await ctx.measure(`bare-update-r${round}`, () =>
        ctx.load.call<{ latencies: number[]; failed: number; errors: string[] }>('baselineUpdateLatency', { workflowIds: bareSlice, concurrency: opts.latencyConcurrency, label: `bare update r${round}` }));
      if (bare.result.failed) throw new Error(`bare update: ${bare.result.failed} failed: ${bare.result.errors.join('; ')}`);
      const b = percentiles(bare.result.latencies);
      bareRounds.push(b);
      bareReadings.push({ cpu: bare.cpu, requests: bare.result.latencies.length });
      ratioP50.push(p.p50 / b.p50);
      ratioP99.push(p.p99 / b.p99);
      say(`  bare Update (one activity) round ${round}/${opts.rounds}: p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms; ratio p99 ${(p.p99 / b.p99).toFixed(2)}`);
    }
  }
  // One at a time: the service time, without the queueing of 4 in flight on 2 cores.
  const aloneSlice = tasks.slice(warm + opts.rounds * perRound);
  let alone: Percentiles | null = null;
  if (aloneSlice.length) {
    const result = await ctx.load.call<{ latencies: number[]; failed: number; errors: string[] }>('completeLatency', { tasks: aloneSlice, concurrency: 1, label: 'complete alone' });
    alone = percentiles(result.latencies);
    say(`task completion one at a time (${aloneSlice.length}): p50 ${alone.p50.toFixed(1)} ms, p99 ${alone.p99.toFixed(1)} ms`);
  }
  let bareAlone: Percentiles | null = null;
  const bareAloneSlice = bareIds.slice(warm + opts.rounds * perRound);
  if (bareAloneSlice.length) {
    const result = await ctx.load.call<{ latencies: number[]; failed: number; errors: string[] }>('baselineUpdateLatency', { workflowIds: bareAloneSlice, concurrency: 1, label: 'bare update alone' });
    bareAlone = percentiles(result.latencies);
    say(`bare Update one at a time (${bareAloneSlice.length}): p50 ${bareAlone.p50.toFixed(1)} ms, p99 ${bareAlone.p99.toFixed(1)} ms`);
  }
  if (bareIds.length) await stack.stopChild('baseline');
  const bare = bareRounds.length ? {
    latency: spreadOfPercentiles(bareRounds), alone: bareAlone, cpuMsPerRequest: cpuPerRequest(bareReadings),
    ratioP50: spread(ratioP50), ratioP99: spread(ratioP99),
    aloneRatioP50: alone && bareAlone ? alone.p50 / bareAlone.p50 : null, aloneRatioP99: alone && bareAlone ? alone.p99 / bareAlone.p99 : null,
  } : null;
  const workflowPathMedianMs = await updatePaths(ctx, tasks.slice(warm, warm + Math.min(perRound, 30)));
  const listAlone: Record<string, Percentiles> = {};
  for (const [label, requests] of [['list', listRequests(opts.seed, bulk.years)], ['tasks?mine', tasksRequests]] as const) {
    const result = await ctx.load.call<GetResult>('getLatency', { requests, count: Math.max(20, Math.ceil(opts.latencyRequests / 4)), concurrency: 1, label: `${label} alone`, maxSeconds: ROUND_MAX_SECONDS });
    listAlone[label] = percentiles(Object.values(result.latencies).flat());
    for (const [variant, values] of Object.entries(result.latencies)) listAlone[`${label}: ${variant}`] = percentiles(values);
    say(`${label} one at a time: p50 ${listAlone[label].p50.toFixed(1)} ms, p99 ${listAlone[label].p99.toFixed(1)} ms`);
  }
  return {
    cases: opts.cases, bulkInsertSeconds: bulk.seconds, tableSizeBytes: Number(size), years: bulk.years,
    list, tasksMine, listAlone,
    completion: {
      concurrency: opts.latencyConcurrency, perRound, rounds: rounds.length, latency: spreadOfPercentiles(rounds), preparedSeconds, cpuMsPerRequest: cpuPerRequest(readings),
      alone, workflowPathMedianMs, bare,
    },
  };
}

/** Medians of where each completion's Update spent its time inside the workflow (from the histories). */
async function updatePaths(ctx: Ctx, taskIds: string[]): Promise<Record<keyof PathBreakdown, number> | null> {
  const numbers = taskIds.map((id) => id.replace(/-T\d+$/, ''));
  const rows = await ctx.stack.sql<{ workflow_id: string }>('select workflow_id from case_record where number = any($1)', [numbers]);
  const paths: PathBreakdown[] = [];
  for (const row of rows) {
    const path = pathOfFirstUpdate(await ctx.stack.temporal.workflow.getHandle(row.workflow_id).fetchHistory());
    if (path) paths.push(path);
  }
  if (!paths.length) return null;
  const keys = Object.keys(paths[0]) as Array<keyof PathBreakdown>;
  const medians = Object.fromEntries(keys.map((k) => [k, percentiles(paths.map((p) => p[k])).p50])) as Record<keyof PathBreakdown, number>;
  ctx.say(`in the workflow (medians of ${paths.length}): Update accepted → completed ${medians.totalMs.toFixed(0)} ms = ${medians.workflowTasks} workflow tasks ` +
    `(waiting ${medians.workflowTaskQueueMs.toFixed(0)} ms, running ${medians.workflowTaskRunMs.toFixed(0)} ms) + ${medians.activities} activities ` +
    `(waiting ${medians.activityQueueMs.toFixed(0)} ms, running ${medians.activityRunMs.toFixed(0)} ms)`);
  return medians;
}
