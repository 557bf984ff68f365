/**
 * Section 5 — scale: N open work requests (submitted by a department, accepted by general
 * affairs) each waiting on its three-business-day SLA timer. The submission rate, the worker's
 * resident memory (its own process: /proc/<pid>/status VmRSS), the Temporal server's, the
 * database size, and whether the case list still answers as fast.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx, CpuReading } from '../lib/context';
import { peakRssBytes, rssBytes } from '../lib/proc';
import { percentiles, type Percentiles } from '../lib/stats';
import { listRequests, measureGets, tasksRequests, type ListLatency } from './api-latency';

export interface ScaleSection {
  requests: number;
  concurrency: number;
  accepted: number;
  failed: number;
  errors: string[];
  /** Submissions answered without a case number (the API's 15 s wait ran out): found in the case list instead. */
  lateCaseNumbers: number;
  seconds: number;
  /** Work requests submitted and accepted per second. */
  startRate: number;
  submitMs: Percentiles;
  acceptMs: Percentiles;
  openWithRunningSla: number;
  worker: {
    rssBeforeBytes: number | null; rssAfterBytes: number | null; peakRssBytes: number | null; heapUsedAfterBytes: number | null;
    /** The SDK's sticky cache: workflows kept in memory (the rest are replayed from history when they wake up). */
    cachedWorkflows: number | null; maxCachedWorkflows: number | null; heapSizeLimitBytes: number | null;
    samples: Array<{ t: number; rssBytes: number | null }>;
  };
  temporal: { rssBeforeBytes: number | null; rssAfterBytes: number | null; sqliteBytes: number | null } | null;
  database: { sizeBeforeBytes: number; sizeAfterBytes: number };
  cpu: CpuReading;
  listAfter: ListLatency | null;
  tasksMineAfter: ListLatency | null;
  /** What autovacuum had done to case_record before listAfter was measured. */
  autovacuumBeforeList: string | null;
  /**
   * With fewer than 10,000 requests: the worker's memory at 10,000, from the measured growth per
   * cached workflow. The SDK keeps at most maxCachedWorkflows in memory (the rest are replayed
   * from history when their timer fires), so memory grows until the cache is full, then stays.
   */
  projectionAt10000: { bytesPerCachedWorkflow: number; cachedAt10000: number; rssBytes: number } | null;
}

export async function runScale(ctx: Ctx, listYears: number[] | null): Promise<ScaleSection> {
  const { opts, stack, say } = ctx;
  const workerPid = () => stack.pid('worker');
  const temporalPid = stack.temporalServerPid();
  const dbSize = async () => Number((await stack.sql<{ size: string }>('select pg_database_size(current_database()) as size'))[0].size);
  const sqliteFile = join(stack.scratch, 'temporal', 'temporal.sqlite');
  const sqliteBytes = () => {
    try {
      return statSync(sqliteFile).size + (statSafe(`${sqliteFile}-wal`) ?? 0);
    } catch {
      return null;
    }
  };
  type CacheInfo = { maxCachedWorkflows: number; cachedWorkflows: number; heapSizeLimitBytes: number };
  const cacheInfo = () => stack.rpc('worker').call<CacheInfo>('info').catch(() => null);
  const cacheBefore = await cacheInfo();
  const before = { worker: rssBytes(workerPid()!), temporal: temporalPid ? rssBytes(temporalPid) : null, db: await dbSize() };
  const samples: Array<{ t: number; rssBytes: number | null }> = [];
  const t0 = Date.now();
  const sampler = setInterval(() => samples.push({ t: Math.round((Date.now() - t0) / 1000), rssBytes: rssBytes(workerPid()!) }), 5_000);
  say(`submitting and accepting ${opts.requests.toLocaleString('en')} work requests, ${opts.requestConcurrency} in flight ...`);
  let measured;
  try {
    measured = await ctx.measure('scale', () =>
      ctx.load.call<{ startedAt: number; endedAt: number; accepted: number; failed: number; errors: string[]; lateCaseNumbers: number; latencies: Record<string, number[]> }>('workRequests', {
        n: opts.requests, concurrency: opts.requestConcurrency, tag: ctx.tag('scale'),
      }));
  } finally {
    clearInterval(sampler);
  }
  const result = measured.result;
  const seconds = (result.endedAt - result.startedAt) / 1000;
  say(`${result.accepted}/${opts.requests} accepted in ${seconds.toFixed(0)} s = ${(result.accepted / seconds).toFixed(1)}/s${result.failed ? ` (${result.failed} failed: ${result.errors[0]})` : ''}`);
  await new Promise((r) => setTimeout(r, opts.quick ? 1_000 : 5_000)); // the last e-mails and records
  const memory = await stack.rpc('worker').call<NodeJS.MemoryUsage>('memory').catch(() => null);
  const cache = await cacheInfo();
  const [{ open }] = await stack.sql<{ open: string }>(
    `select count(*) as open from case_record where kind = 'work_request' and status = 'in_progress' and due_at is not null and (sla->>'stoppedAt') is null`,
  );
  const after = { worker: rssBytes(workerPid()!), peak: peakRssBytes(workerPid()!), temporal: temporalPid ? rssBytes(temporalPid) : null, db: await dbSize() };
  say(`worker RSS ${mib(before.worker)} → ${mib(after.worker)} MiB (peak ${mib(after.peak)} MiB); Temporal server ${mib(before.temporal)} → ${mib(after.temporal)} MiB; ` +
    `database ${mib(before.db)} → ${mib(after.db)} MiB; ${open} requests open with a running SLA; ${cache?.cachedWorkflows ?? '?'} workflows in the worker's cache (max ${cache?.maxCachedWorkflows ?? '?'})`);

  let projectionAt10000: ScaleSection['projectionAt10000'] = null;
  const grown = (cache?.cachedWorkflows ?? 0) - (cacheBefore?.cachedWorkflows ?? 0);
  if (opts.requests < 10_000 && cache && after.worker !== null && before.worker !== null && grown > 50) {
    const perWorkflow = (after.worker - before.worker) / grown;
    const cachedAt10000 = Math.min(cache.maxCachedWorkflows, cache.cachedWorkflows + (10_000 - opts.requests));
    projectionAt10000 = { bytesPerCachedWorkflow: perWorkflow, cachedAt10000, rssBytes: after.worker + perWorkflow * (cachedAt10000 - cache.cachedWorkflows) };
    say(`${(perWorkflow / 1024).toFixed(0)} KiB per cached workflow: at 10,000 open requests the cache holds ${cachedAt10000} → worker RSS ≈ ${mib(projectionAt10000.rssBytes)} MiB (projected)`);
  }

  let listAfter: ListLatency | null = null;
  let tasksMineAfter: ListLatency | null = null;
  let settled: string | null = null;
  if (listYears) {
    // The burst left tens of thousands of dead row versions: measure the steady state autovacuum
    // brings back (as it would between bursts in production), not the minute of cleaning after it.
    settled = await settleAutovacuum(ctx);
    say(`case list and inbox latency with the requests open (autovacuum: ${settled}) ...`);
    listAfter = await measureGets(ctx, 'list-after-scale', listRequests(opts.seed, listYears), opts.rounds);
    tasksMineAfter = await measureGets(ctx, 'tasks-after-scale', tasksRequests, opts.rounds);
  }
  return {
    requests: opts.requests, concurrency: opts.requestConcurrency, accepted: result.accepted, failed: result.failed, errors: result.errors, lateCaseNumbers: result.lateCaseNumbers,
    seconds, startRate: result.accepted / seconds,
    submitMs: percentiles(result.latencies.submit ?? []), acceptMs: percentiles(result.latencies['complete.accept_request'] ?? []),
    openWithRunningSla: Number(open),
    worker: {
      rssBeforeBytes: before.worker, rssAfterBytes: after.worker, peakRssBytes: after.peak, heapUsedAfterBytes: memory?.heapUsed ?? null,
      cachedWorkflows: cache?.cachedWorkflows ?? null, maxCachedWorkflows: cache?.maxCachedWorkflows ?? null, heapSizeLimitBytes: cache?.heapSizeLimitBytes ?? null, samples,
    },
    temporal: temporalPid ? { rssBeforeBytes: before.temporal, rssAfterBytes: after.temporal, sqliteBytes: sqliteBytes() } : null,
    database: { sizeBeforeBytes: before.db, sizeAfterBytes: after.db },
    cpu: measured.cpu,
    listAfter, tasksMineAfter, autovacuumBeforeList: settled, projectionAt10000,
  };
}

/**
 * Waits (at most three minutes) until autovacuum has caught up with case_record to the thresholds
 * the migrations set for it (read from the table, so the bench follows the migrations), as it
 * would between bursts in production.
 */
async function settleAutovacuum(ctx: Ctx): Promise<string> {
  const started = Date.now();
  const state = async () => {
    const [row] = await ctx.stack.sql<{ dead: string; live: string; inserted: string; vacuums: string }>(
      `select n_dead_tup as dead, n_live_tup as live, n_ins_since_vacuum as inserted, autovacuum_count as vacuums from pg_stat_user_tables where relname = 'case_record'`,
    );
    return { dead: Number(row?.dead ?? 0), live: Number(row?.live ?? 0), inserted: Number(row?.inserted ?? 0), vacuums: Number(row?.vacuums ?? 0) };
  };
  const setting = (name: string) =>
    `coalesce((select option_value from pg_options_to_table(c.reloptions) where option_name = '${name}'), current_setting('${name}'))::float8 as "${name}"`;
  const [thresholds] = await ctx.stack.sql<Record<string, number>>(
    `select ${['autovacuum_vacuum_threshold', 'autovacuum_vacuum_scale_factor', 'autovacuum_vacuum_insert_threshold', 'autovacuum_vacuum_insert_scale_factor'].map(setting).join(', ')} from pg_class c where c.relname = 'case_record'`,
  );
  const first = await state();
  let now = first;
  const deadLimit = () => thresholds.autovacuum_vacuum_threshold + thresholds.autovacuum_vacuum_scale_factor * now.live;
  const insertedLimit = () => thresholds.autovacuum_vacuum_insert_threshold + thresholds.autovacuum_vacuum_insert_scale_factor * now.live;
  while (Date.now() - started < 180_000 && (now.dead > deadLimit() || now.inserted > insertedLimit())) {
    await new Promise((r) => setTimeout(r, 2_000));
    now = await state();
  }
  return `${first.dead.toLocaleString('en')} → ${now.dead.toLocaleString('en')} dead rows and ${first.inserted.toLocaleString('en')} → ${now.inserted.toLocaleString('en')} rows inserted since a vacuum in case_record ` +
    `(thresholds ${deadLimit().toFixed(0)} and ${insertedLimit().toFixed(0)}), ${now.vacuums - first.vacuums} run(s) in ${((Date.now() - started) / 1000).toFixed(0)} s`;
}

function statSafe(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

const mib = (bytes: number | null) => (bytes === null ? '?' : (bytes / 2 ** 20).toFixed(0));
