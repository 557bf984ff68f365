/** The bench's JSON document, its goals, and the table printed at the end. */
import type { AlertMailSection } from '../sections/alert-mail';
import type { MonitoringSection } from '../sections/monitoring';
import type { ApiLatencySection, LatencySpread, ListLatency } from '../sections/api-latency';
import type { OverheadSection } from '../sections/overhead';
import type { ReplaySection } from '../sections/replay';
import type { ScaleSection } from '../sections/scale';
import type { SlaSection } from '../sections/sla';
import type { Versions } from './stack';
import type { Spread } from './stats';

export interface Goal {
  section: number;
  name: string;
  goal: string;
  value: number | null;
  unit: string;
  met: boolean | null;
}

export interface BenchResult {
  benchmark: 'opsdesk';
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: { cores: number; cpuModel: string; memoryBytes: number; platform: string; kernel: string; arch: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  versions: Versions | null;
  settings: Record<string, unknown>;
  sections: {
    overhead?: OverheadSection | { error: string };
    apiLatency?: ApiLatencySection | { error: string };
    alertToEmail?: AlertMailSection | { error: string };
    monitoring?: MonitoringSection | { error: string };
    slaLateness?: SlaSection | { error: string };
    scale?: ScaleSection | { error: string };
    replay?: ReplaySection | { error: string };
  } & Record<string, unknown>;
  goals: Goal[];
  error?: string;
}

const ok = <T extends object>(section: T | { error: string } | undefined): T | null => (section && !('error' in section) ? section : null);
const GiB = 2 ** 30;

export function evaluateGoals(result: BenchResult): Goal[] {
  const goals: Goal[] = [];
  const add = (section: number, name: string, goal: string, value: number | null | undefined, unit: string, test: (v: number) => boolean) => {
    const v = value === undefined || value === null || !Number.isFinite(value) ? null : value;
    goals.push({ section, name, goal, value: v, unit, met: v === null ? null : test(v) });
  };
  const s = result.sections;
  const overhead = ok(s.overhead as OverheadSection);
  add(1, 'throughput ratio opsdesk / bare Temporal (median of paired rounds)', '≥ 0.8', overhead?.ratio.median, '', (v) => v >= 0.8);
  const api = ok(s.apiLatency as ApiLatencySection);
  add(2, 'GET /api/cases (filtered, paged) p99, median of rounds', '< 50 ms', api?.list.all.p99.median, 'ms', (v) => v < 50);
  if (api) {
    for (const [variant, figures] of Object.entries(api.list.variants)) add(2, `  … ${variant} p99`, '< 50 ms', figures.p99.median, 'ms', (v) => v < 50);
  }
  add(2, 'task completion (Update round trip) p99', '< 150 ms', api?.completion.latency.p99.median, 'ms', (v) => v < 150);
  const bareUpdate = api?.completion.bare;
  add(2, `  … ÷ a bare Update running one activity, p99, ${api?.completion.concurrency ?? 4} in flight (median of paired rounds)`, '≤ 1.5', bareUpdate?.ratioP99.median, '', (v) => v <= 1.5);
  add(2, '  … ÷ a bare Update running one activity, p99, one at a time', '≤ 1.5', bareUpdate?.aloneRatioP99, '', (v) => v <= 1.5);
  const mail = ok(s.alertToEmail as AlertMailSection);
  add(3, 'alert → e-mail accepted p99', '< 1 s', mail?.alertToMailMs.p99.median, 'ms', (v) => v < 1000);
  const sla = ok(s.slaLateness as SlaSection);
  add(4, 'SLA deadline → breach e-mail accepted p99', '< 1 s', sla?.deadlineToMailMs.p99.median, 'ms', (v) => v < 1000);
  const scale = ok(s.scale as ScaleSection);
  const peak = scale?.worker.peakRssBytes ?? scale?.worker.rssAfterBytes;
  add(5, `worker resident memory with ${scale?.accepted ?? '—'} requests open (measured, peak)`, '< 1 GiB', peak === undefined || peak === null ? null : peak / GiB, 'GiB', (v) => v < 1);
  const perCase = memoryPerOpenCase(scale);
  goals.push({ section: 5, name: 'worker memory per open case (RSS ÷ open cases; the growth ÷ open cases in brackets of the table)', goal: 'reported', value: perCase ? perCase.rssPerCaseBytes / 1024 : null, unit: 'KiB', met: null });
  if (scale?.projectionAt10000) add(5, 'worker resident memory with 10,000 open (projected from the growth per cached workflow)', '< 1 GiB', scale.projectionAt10000.rssBytes / GiB, 'GiB', (v) => v < 1);
  add(5, 'GET /api/cases p99 with the requests open', '< 50 ms', scale?.listAfter?.all.p99.median, 'ms', (v) => v < 50);
  const monitoring = ok(s.monitoring as MonitoringSection);
  add(7, 'device down → incident mail: opsdesk\'s part (webhook → mail accepted) p99', '< 1 s', monitoring?.opsdeskPartMs.p99, 'ms', (v) => v < 1000);
  add(7, `device down → incident mail p99 (for: ${monitoring?.forSeconds ?? '—'} s + 2 × ${monitoring?.evaluationSeconds ?? '—'} s evaluation)`, `≤ ${monitoring ? monitoring.budgetMs : '—'} ms`, monitoring?.totalMs.p99, 'ms', (v) => v <= (monitoring?.budgetMs ?? 0));
  const replay = ok(s.replay as ReplaySection);
  add(6, `replay of a ${replay?.events ?? 1000}-event history (median)`, '< 200 ms', replay?.replayMs.median, 'ms', (v) => v < 200);
  add(6, 'replay ratio opsdesk ÷ bare workflow, per event, one replay each (both without the stack-trace hook)', '≤ 1.2', replay?.ratios?.single, '', (v) => v <= 1.2);
  add(6, 'replay through one replay worker (audit replay --all): events/s opsdesk ÷ bare', '≥ 0.8', replay?.ratios?.eventsPerSecondShared, '', (v) => v >= 0.8);
  return goals;
}

/** Worker RSS ÷ open cases, and the growth while they opened ÷ open cases. */
export function memoryPerOpenCase(scale: ScaleSection | null): { rssPerCaseBytes: number; growthPerCaseBytes: number | null } | null {
  const rss = scale?.worker.rssAfterBytes ?? scale?.worker.peakRssBytes;
  if (!scale || !rss || !scale.accepted) return null;
  const before = scale.worker.rssBeforeBytes;
  return { rssPerCaseBytes: rss / scale.accepted, growthPerCaseBytes: before ? (rss - before) / scale.accepted : null };
}

const f = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
const sp = (s: Spread | undefined, digits = 1, unit = '') => (s ? `${f(s.median, digits)}${unit} (${f(s.min, digits)}–${f(s.max, digits)})` : '—');
const pct = (l: LatencySpread | undefined) => (l ? `${f(l.p50.median)} / ${f(l.p95.median)} / ${f(l.p99.median)}` : '—');
const mib = (b: number | null | undefined) => (b === null || b === undefined ? '—' : `${(b / 2 ** 20).toFixed(0)} MiB`);

const cpuLine = (cpu: Record<string, number> | undefined) =>
  cpu ? Object.entries(cpu).sort((a, b) => b[1] - a[1]).map(([g, v]) => `${g} ${v.toFixed(1)}`).join(', ') : '—';

/** A GET measurement's rows: all requests, each variant, CPU per request, and the case rows it read from the table. */
function latencyRows(section: string, heading: string, latency: ListLatency): string[][] {
  const rows = [[section, heading, pct(latency.all)]];
  for (const [variant, figures] of Object.entries(latency.variants)) rows.push([section, `  … ${variant}`, pct(figures)]);
  rows.push([section, '  … CPU ms per request', cpuLine(latency.cpuMsPerRequest)]);
  if (latency.caseRowsFetchedPerRequest != null) rows.push([section, '  … case rows read from the table per request', f(latency.caseRowsFetchedPerRequest, 0)]);
  return rows;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length)).join('  ').trimEnd()).join('\n');
}

export function formatReport(result: BenchResult): string {
  const s = result.sections;
  const rows: string[][] = [['§', 'measure', 'median (min–max over rounds)']];
  const err = (n: number, name: string, section: unknown) => {
    if (section && typeof section === 'object' && 'error' in section) rows.push([String(n), name, `FAILED: ${String((section as { error: string }).error).split('\n')[0]}`]);
  };
  const overhead = ok(s.overhead as OverheadSection);
  err(1, 'overhead', s.overhead);
  if (overhead) {
    rows.push(['1', `opsdesk incidents alert → 完了, cases/s (${overhead.incidentsPerRound} × ${overhead.rounds}, ${overhead.concurrency} in flight)`, sp(overhead.opsdesk.casesPerSecond, 2)]);
    rows.push(['1', `bare Temporal, same shape (${overhead.shapeCounts.activities} activities, ${overhead.shapeCounts.timers} timer, ${overhead.shapeCounts.updates} updates), cases/s`, sp(overhead.baseline.casesPerSecond, 2)]);
    rows.push(['1', 'ratio opsdesk / bare (paired rounds)', `${sp(overhead.ratio, 3)}; of medians ${f(overhead.ratio.ofMedians, 3)}`]);
    rows.push(['1', 'ratio from CPU cost: bare ÷ opsdesk system CPU ms per case', `${sp(overhead.cpuRatio, 3)} (${f(overhead.systemCpuMsPerCase.baseline.median, 0)} ÷ ${f(overhead.systemCpuMsPerCase.opsdesk.median, 0)} ms)`]);
    rows.push(['1', 'case latency p50 / p99, opsdesk vs bare (ms)', `${f(overhead.opsdesk.caseLatencyP50Ms.median, 0)} / ${f(overhead.opsdesk.caseLatencyP99Ms.median, 0)} vs ${f(overhead.baseline.caseLatencyP50Ms.median, 0)} / ${f(overhead.baseline.caseLatencyP99Ms.median, 0)}`]);
    const cpu = (system: 'opsdesk' | 'baseline') => {
      const runs = overhead.runs.filter((r) => r.system === system);
      const groups = [...new Set(runs.flatMap((r) => Object.keys(r.cpuSecondsPerCase)))];
      return groups
        .map((g) => [g, runs.map((r) => r.cpuSecondsPerCase[g] ?? 0).sort((a, b) => a - b)[Math.floor(runs.length / 2)]] as const)
        .filter(([, v]) => v >= 0.0005)
        .sort((a, b) => b[1] - a[1])
        .map(([g, v]) => `${g} ${(v * 1000).toFixed(0)}`)
        .join(', ');
    };
    rows.push(['1', 'CPU ms per case, opsdesk', cpu('opsdesk')]);
    rows.push(['1', 'CPU ms per case, bare Temporal', cpu('baseline')]);
    const db = overhead.runs.find((r) => r.system === 'opsdesk')?.databasePerCase;
    if (db) rows.push(['1', 'PostgreSQL per opsdesk case (first round)', `${f(db.xact_commit, 0)} transactions, ${f(db.tup_inserted + db.tup_updated + db.tup_deleted, 0)} rows written, ${f(db.tup_fetched, 0)} rows fetched`]);
  }
  const api = ok(s.apiLatency as ApiLatencySection);
  err(2, 'API latency', s.apiLatency);
  if (api) {
    rows.push(...latencyRows('2', `GET /api/cases, ${api.cases.toLocaleString('en')} cases, ${api.list.concurrency} in flight: p50 / p95 / p99 ms`, api.list));
    rows.push(...latencyRows('2', 'GET /api/tasks?mine=true: p50 / p95 / p99 ms', api.tasksMine));
    rows.push(['2', `task completion (Update round trip), ${api.completion.concurrency} in flight: p50 / p95 / p99 ms`, pct(api.completion.latency)]);
    rows.push(['2', '  … CPU ms per completion', cpuLine(api.completion.cpuMsPerRequest)]);
    const alone = api.completion.alone;
    if (alone) rows.push(['2', '  … one at a time: p50 / p95 / p99 ms', `${f(alone.p50)} / ${f(alone.p95)} / ${f(alone.p99)}`]);
    const bare = api.completion.bare;
    if (bare) {
      rows.push(['2', `bare Update running one activity (Temporal client), ${api.completion.concurrency} in flight: p50 / p95 / p99 ms`, pct(bare.latency)]);
      if (bare.alone) rows.push(['2', '  … one at a time: p50 / p95 / p99 ms', `${f(bare.alone.p50)} / ${f(bare.alone.p95)} / ${f(bare.alone.p99)}`]);
      rows.push(['2', '  … ratio opsdesk ÷ bare, p50 / p99 (paired rounds); one at a time', `${sp(bare.ratioP50, 2)} / ${sp(bare.ratioP99, 2)}; ${f(bare.aloneRatioP50, 2)} / ${f(bare.aloneRatioP99, 2)}`]);
      rows.push(['2', '  … CPU ms per bare Update', cpuLine(bare.cpuMsPerRequest)]);
    }
    const w = api.completion.workflowPathMedianMs;
    if (w) {
      rows.push(['2', '  … inside the workflow, Update accepted → completed (median)',
        `${f(w.totalMs, 0)} ms: ${f(w.activities, 0)} activities running ${f(w.activityRunMs, 0)} ms (waiting ${f(w.activityQueueMs, 0)}), ` +
        `${f(w.workflowTasks, 0)} workflow tasks running ${f(w.workflowTaskRunMs, 0)} ms (waiting ${f(w.workflowTaskQueueMs, 0)})`]);
    }
    for (const [label, p] of Object.entries(api.listAlone ?? {})) rows.push(['2', `one at a time, ${label}: p50 / p95 / p99 ms`, `${f(p.p50)} / ${f(p.p95)} / ${f(p.p99)}`]);
  }
  const mail = ok(s.alertToEmail as AlertMailSection);
  err(3, 'alert → e-mail', s.alertToEmail);
  if (mail) {
    rows.push(['3', `alert → e-mail accepted by SMTP (${mail.alertsPerRound} × ${mail.rounds}): p50 / p95 / p99 ms`, pct(mail.alertToMailMs)]);
    rows.push(['3', '  … of which POST /api/alerts: p50 / p95 / p99 ms', pct(mail.alertPostMs)]);
  }
  const sla = ok(s.slaLateness as SlaSection);
  err(4, 'SLA lateness', s.slaLateness);
  if (sla) {
    rows.push(['4', `deadline → breach e-mail (${sla.casesPerRound} × ${sla.rounds}): p50 / p95 / p99 ms`, pct(sla.deadlineToMailMs)]);
    rows.push(['4', '  … deadline → timer fired (Temporal): p50 / p95 / p99 ms', pct(sla.deadlineToTimerMs)]);
    rows.push(['4', '  … timer fired → e-mail accepted: p50 / p95 / p99 ms', pct(sla.timerToMailMs)]);
    if (sla.armedLate.some((n) => n > 0)) rows.push(['4', '  … cases whose breach check ran only after the deadline (backlog), per round', sla.armedLate.join(', ')]);
  }
  const scale = ok(s.scale as ScaleSection);
  err(5, 'scale', s.scale);
  if (scale) {
    rows.push(['5', `${scale.accepted.toLocaleString('en')} work requests submitted + accepted, per second (${scale.concurrency} in flight)`, f(scale.startRate, 1)]);
    rows.push(['5', 'worker RSS before → after (peak); workflows cached / cache size', `${mib(scale.worker.rssBeforeBytes)} → ${mib(scale.worker.rssAfterBytes)} (${mib(scale.worker.peakRssBytes)}); ${scale.worker.cachedWorkflows ?? '—'} / ${scale.worker.maxCachedWorkflows ?? '—'}`]);
    const perCase = memoryPerOpenCase(scale);
    if (perCase) rows.push(['5', 'worker memory per open case: RSS ÷ open cases (growth ÷ open cases)', `${f(perCase.rssPerCaseBytes / 1024)} KiB (${perCase.growthPerCaseBytes === null ? '—' : f(perCase.growthPerCaseBytes / 1024)} KiB)`]);
    if (scale.temporal) rows.push(['5', 'Temporal server RSS before → after; its SQLite file', `${mib(scale.temporal.rssBeforeBytes)} → ${mib(scale.temporal.rssAfterBytes)}; ${mib(scale.temporal.sqliteBytes)}`]);
    if (scale.projectionAt10000) {
      rows.push(['5', `  … projected at 10,000 open (${(scale.projectionAt10000.bytesPerCachedWorkflow / 1024).toFixed(0)} KiB per cached workflow, ${scale.projectionAt10000.cachedAt10000} cached)`, mib(scale.projectionAt10000.rssBytes)]);
    }
    rows.push(['5', 'pg_database_size before → after', `${mib(scale.database.sizeBeforeBytes)} → ${mib(scale.database.sizeAfterBytes)}`]);
    if (scale.listAfter) rows.push(...latencyRows('5', 'GET /api/cases with them open: p50 / p95 / p99 ms', scale.listAfter));
    if (scale.tasksMineAfter) rows.push(...latencyRows('5', 'GET /api/tasks?mine=true with them open: p50 / p95 / p99 ms', scale.tasksMineAfter));
  }
  const replay = ok(s.replay as ReplaySection);
  err(6, 'replay', s.replay);
  if (replay) {
    rows.push(['6', `Worker.runReplayHistory, ${replay.events} events (${replay.rounds} rounds), ms`, sp(replay.replayMs, 0)]);
    rows.push(['6', `  … per history, ${replay.amortisedBatch} in one replay worker, ms`, sp(replay.amortisedMs, 0)]);
    if (replay.typicalIncident) {
      rows.push(['6', `  … a typical incident (${replay.typicalIncident.events} events): alone / in a shared replay worker, ms`, `${sp(replay.typicalIncident.replayMs, 0)} / ${sp(replay.typicalIncident.amortisedMs, 0)}`]);
    }
    if (replay.bareWorkflow) {
      rows.push(['6', `  … a bare workflow (${replay.bareWorkflow.events} events, Temporal alone): alone / shared, ms`, `${sp(replay.bareWorkflow.replayMs, 0)} / ${sp(replay.bareWorkflow.amortisedMs, 0)}`]);
    }
    const w = replay.withoutStackTraces;
    if (w) {
      rows.push(['6', `without the SDK's stack-trace hook (as opsdesk replays), ${replay.events} events: alone / shared, ms`, `${sp(w.replayMs, 0)} / ${sp(w.amortisedMs, 0)}`]);
      if (w.typicalIncident) rows.push(['6', '  … a typical incident: alone / shared, ms', `${sp(w.typicalIncident.replayMs, 0)} / ${sp(w.typicalIncident.amortisedMs, 0)}`]);
      if (w.bareWorkflow) rows.push(['6', '  … the bare workflow: alone / shared, ms', `${sp(w.bareWorkflow.replayMs, 0)} / ${sp(w.bareWorkflow.amortisedMs, 0)}`]);
    }
    if (replay.ratios) {
      rows.push(['6', 'opsdesk ÷ bare per event (alone); shared replay worker events/s opsdesk / bare',
        `${f(replay.ratios.single, 2)}; ${f(replay.ratios.opsdeskEventsPerSecondShared, 0)} / ${f(replay.ratios.bareEventsPerSecondShared, 0)} = ${f(replay.ratios.eventsPerSecondShared, 2)}`]);
    }
  }
  const goals: string[][] = [['§', 'goal', 'target', 'value', 'met']];
  for (const g of result.goals) goals.push([String(g.section), g.name, g.goal, g.value === null ? '—' : `${f(g.value, g.unit === 'GiB' ? 2 : g.unit === '' ? 3 : 1)} ${g.unit}`.trim(), g.met === null ? '—' : g.met ? 'yes' : 'NO']);
  const m = result.machine;
  const v = result.versions;
  const head = `opsdesk bench ${result.runId}: ${m.cores} cores (${m.cpuModel}), ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${m.platform} ${m.kernel}; ` +
    `node ${v?.node ?? '?'}, Temporal CLI ${v?.temporalCli ?? '—'} / server ${v?.temporalServer ?? '?'}, SDK ${v?.temporalSdk ?? '?'}, ${v?.postgres?.split(' on ')[0] ?? 'PostgreSQL ?'}; ` +
    `${(result.durationSeconds / 60).toFixed(1)} min`;
  return `${head}\n\n${table(rows)}\n\n${table(goals)}`;
}
