/**
 * `npm run bench`: what opsdesk's automation costs over Temporal itself, measured on the embedded
 * stack the bench starts (or on TEMPORAL_ADDRESS / DATABASE_URL). Six sections, printed as a
 * table and written as JSON under bench/results/. See `npm run bench -- --help`.
 */
import 'reflect-metadata';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../src/common/paths';
import { Ctx } from './lib/context';
import { parseOptions, type Options } from './lib/options';
import { ensureDir, Stack } from './lib/stack';
import { formatReport, evaluateGoals, type BenchResult } from './lib/report';
import { runAlertMail } from './sections/alert-mail';
import { runApiLatency } from './sections/api-latency';
import { runOverhead } from './sections/overhead';
import { runReplay } from './sections/replay';
import { runScale } from './sections/scale';
import { runSlaLateness } from './sections/sla';
import { planMonitoring, runMonitoring, startPlannedMonitoring, stopPlannedMonitoring, type MonitoringPlan } from './sections/monitoring';

const SECTION_NAMES = { 1: 'overhead', 2: 'apiLatency', 3: 'alertToEmail', 4: 'slaLateness', 5: 'scale', 6: 'replay', 7: 'monitoring' } as const;
/** Execution order: the 100,000 bulk cases and the 10,000 open requests come last, so they do not weigh on the others. */
const ORDER = [1, 3, 7, 4, 6, 2, 5] as const;

async function main(): Promise<number> {
  const opts: Options = parseOptions(process.argv.slice(2));
  const started = new Date();
  const runId = `${started.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}-${randomBytes(2).toString('hex')}`;
  const resultsDir = resolve(PROJECT_ROOT, opts.resultsDir);
  const runDir = ensureDir(join(resultsDir, runId));
  const logDir = ensureDir(join(runDir, 'logs'));
  const t0 = Date.now();
  const say = (line: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const machine = {
    cores: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryBytes: totalmem(), platform: process.platform, kernel: release(), arch: process.arch,
    loadAverageAtStart: loadavg().map((v) => Math.round(v * 100) / 100), loadAverageAtEnd: [] as number[],
  };
  say(`run ${runId}${opts.quick ? ' (--quick)' : ''}: ${machine.cores} cores (${machine.cpuModel}), ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB, load average ${machine.loadAverageAtStart.join(' ')}`);
  say(`seed ${opts.seed}; ${opts.rounds} round(s); §1 ${opts.incidents} incidents × ${opts.concurrency} in flight; §2 ${opts.cases} cases, ${opts.latencyRequests} requests × ${opts.latencyConcurrency} in flight, ` +
    `${opts.completions} completions; §3 ${opts.alerts} alerts; §4 ${opts.slaCases} cases; §5 ${opts.requests} requests × ${opts.requestConcurrency}; §6 ${opts.replayEvents} events`);

  const stack = new Stack({
    runId, logDir, keepData: opts.keepData, say,
    onProgress: (who, event) => {
      const data = event.data as { label?: string; done?: number; n?: number; failed?: number; perSecond?: number; message?: string };
      if (event.type === 'progress') {
        say(`  … ${data.label}: ${data.done}/${data.n}${data.perSecond ? `, ${data.perSecond.toFixed(1)}/s` : ''}${data.failed ? ` (${data.failed} failed)` : ''}`);
      }
      if (event.type === 'failure') say(`  ! ${data.label}: ${data.message}`);
    },
  });
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    say('interrupted: stopping what the bench started ...');
    void stack.stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const result: BenchResult = {
    benchmark: 'opsdesk', runId, startedAt: started.toISOString(), finishedAt: '', durationSeconds: 0,
    machine, versions: null,
    settings: { ...opts, sections: [...opts.sections].sort(), stack: null, logs: logDir },
    sections: {}, goals: [],
  };
  let failures = 0;
  let monitoring: MonitoringPlan | string | null = null;
  try {
    await stack.startServers();
    await stack.bundle();
    if (opts.sections.has(7)) {
      monitoring = await planMonitoring();
      if (typeof monitoring !== 'string') stack.extraEnv = monitoring.env;
    }
    await stack.startApi();
    if (monitoring && typeof monitoring !== 'string') await startPlannedMonitoring(monitoring, stack.baseUrl);
    await stack.startWorker();
    await stack.startLoadClient();
    await stack.rpc('load').call('init', {
      baseUrl: stack.baseUrl, temporalAddress: stack.temporalAddress, namespace: stack.namespace,
      alertToken: 'opsdesk-demo-alerts', password: 'opsdesk-demo', seed: opts.seed,
    });
    result.versions = await stack.versions();
    result.settings.stack = {
      ...stack.mode,
      temporalPersistence: stack.mode.temporal === 'embedded' ? 'SQLite file (temporal server start-dev --db-filename), as npm start' : 'external',
      taskQueue: stack.taskQueue, baselineTaskQueue: stack.baselineTaskQueue, database: stack.databaseName,
      loadClient: 'separate process (child_process.fork), keep-alive node:http',
      processes: 'API, opsdesk worker, baseline worker and load client each in its own Node process',
    };
    say(`stack up: API ${stack.baseUrl}, Temporal ${stack.temporalAddress} (server ${result.versions.temporalServer ?? '?'}), ${result.versions.postgres?.split(' on ')[0] ?? 'PostgreSQL ?'}`);

    const ctx = new Ctx(stack, opts, runDir, say, runId);
    let listYears: number[] | null = null;
    for (const number of ORDER) {
      if (!opts.sections.has(number)) continue;
      const name = SECTION_NAMES[number];
      say(`── ${number}. ${name} ──`);
      const s0 = Date.now();
      try {
        let figures: unknown;
        switch (number) {
          case 1: figures = await runOverhead(ctx); break;
          case 2: figures = await runApiLatency(ctx, (years) => { listYears = years; }); break;
          case 3: figures = await runAlertMail(ctx); break;
          case 4: figures = await runSlaLateness(ctx); break;
          case 5: figures = await runScale(ctx, listYears); break;
          case 6: figures = await runReplay(ctx); break;
          case 7:
            if (typeof monitoring === 'string' || !monitoring) throw new Error(`monitoring cannot run: ${String(monitoring)}`);
            figures = await runMonitoring(ctx, monitoring);
            break;
        }
        (result.sections as Record<string, unknown>)[name] = { ...(figures as object), sectionSeconds: (Date.now() - s0) / 1000 };
      } catch (error) {
        failures += 1;
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        say(`section ${number} failed: ${message}`);
        (result.sections as Record<string, unknown>)[name] = { error: message, sectionSeconds: (Date.now() - s0) / 1000 };
        if (!stack.children.has('api') || !stack.children.has('load')) throw error;
        if (!stack.children.has('worker')) await stack.startWorker();
      }
    }
  } catch (error) {
    failures += 1;
    result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    say(`the bench stopped: ${result.error}`);
  } finally {
    say('stopping the stack ...');
    if (monitoring && typeof monitoring !== 'string') await stopPlannedMonitoring(monitoring).catch(() => undefined);
    await stack.stop();
  }
  result.finishedAt = new Date().toISOString();
  result.durationSeconds = (Date.now() - t0) / 1000;
  machine.loadAverageAtEnd = loadavg().map((v) => Math.round(v * 100) / 100);
  result.goals = evaluateGoals(result);

  const json = JSON.stringify(result, null, 2);
  const file = join(resultsDir, `${runId}.json`);
  writeFileSync(file, json);
  copyFileSync(file, join(resultsDir, 'latest.json'));
  if (opts.out) {
    mkdirSync(dirname(resolve(opts.out)), { recursive: true });
    writeFileSync(resolve(opts.out), json);
  }
  console.log(`\n${formatReport(result)}`);
  console.log(`\nJSON: ${file}${opts.out ? ` and ${resolve(opts.out)}` : ''}; logs: ${logDir}`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
