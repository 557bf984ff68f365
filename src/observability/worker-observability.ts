import { Logger as NestLogger } from '@nestjs/common';
import type { Context as ActivityContext } from '@temporalio/activity';
import {
  Runtime,
  type ActivityExecuteInput,
  type ActivityInboundCallsInterceptor,
  type ActivityInterceptorsFactory,
  type Next,
  type WorkerOptions,
} from '@temporalio/worker';
import http from 'node:http';
import { freePort } from '../embedded/ports';
import { CASE_NUMBER_PATTERN, runWithLogContext, type LogContext } from './log-context';
import { logger, PinoNestLogger, PinoTemporalLogger } from './logger';
import { bearerMatches, mergeExpositions, metrics } from './metrics';
import { workerTracing } from './tracing';

/**
 * The worker process's observability:
 *  - the Temporal Runtime logs through pino (SDK, Core and workflow/activity context loggers), each
 *    line with workflowId, runId and — once known — the case number;
 *  - one log line per finished activity, in an activity log context (every line the activity's
 *    code writes carries the same facts);
 *  - the SDK's Prometheus metrics (Core's exporter on a private loopback port) and this process's
 *    prom-client metrics, served together on OPSDESK_WORKER_METRICS (default 127.0.0.1:9464,
 *    `off` to disable) at /metrics.
 */

/** runId → case number, filled from registerCase's answers and from case_record on a miss. */
class CaseNumbers {
  private readonly byRun = new Map<string, string>();
  /** Runs case_record had no row for, and when: a new case's first activities come before its number. */
  private readonly missed = new Map<string, number>();
  constructor(private readonly limit = 10_000, private readonly missTtlMs = 30_000) {}
  get(runId: string): string | undefined {
    return this.byRun.get(runId);
  }
  set(runId: string, caseNumber: string): void {
    this.missed.delete(runId);
    this.byRun.delete(runId);
    this.byRun.set(runId, caseNumber);
    if (this.byRun.size > this.limit) this.byRun.delete(this.byRun.keys().next().value as string);
  }
  /** Whether case_record was asked about this run so recently that asking again would only find nothing again. */
  recentlyMissed(runId: string, now = Date.now()): boolean {
    const at = this.missed.get(runId);
    return at !== undefined && now - at < this.missTtlMs;
  }
  noteMiss(runId: string, now = Date.now()): void {
    this.missed.delete(runId);
    this.missed.set(runId, now);
    if (this.missed.size > this.limit) this.missed.delete(this.missed.keys().next().value as string);
  }
}

export const caseNumbers = new CaseNumbers();

export interface WorkerRuntimeOptions {
  /** host:port of the worker's /metrics, or 'off'. */
  metricsBind?: string;
}

export interface WorkerRuntime {
  /** Where the worker's /metrics answers, if it does. */
  metricsUrl?: string;
  close(): Promise<void>;
}

/**
 * Installs the Temporal Runtime of this process (call once, before any worker or connection is
 * made) and starts the worker's metrics endpoint. SIGINT/SIGTERM make the Runtime shut its workers
 * down: polling stops, running activities get shutdownGraceTime to finish.
 */
export async function installWorkerRuntime(options: WorkerRuntimeOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<WorkerRuntime> {
  NestLogger.overrideLogger(new PinoNestLogger());
  const bind = options.metricsBind ?? env.OPSDESK_WORKER_METRICS ?? '127.0.0.1:9464';
  const corePort = bind === 'off' ? undefined : await freePort();
  Runtime.install({
    logger: new PinoTemporalLogger((runId) => caseNumbers.get(runId)),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(corePort
        ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${corePort}`, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } } }
        : {}),
    },
  });
  if (!corePort) return { close: () => Promise.resolve() };
  return startWorkerMetricsServer(bind, `http://127.0.0.1:${corePort}/metrics`, env.METRICS_TOKEN);
}

async function startWorkerMetricsServer(bind: string, coreUrl: string, token: string | undefined): Promise<WorkerRuntime> {
  const separator = bind.lastIndexOf(':');
  const host = bind.slice(0, separator).replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(bind.slice(separator + 1));
  const server = http.createServer((request, response) => {
    void (async () => {
      if (request.url !== '/metrics' || request.method !== 'GET') {
        response.writeHead(404).end('see /metrics\n');
        return;
      }
      if (token && !bearerMatches(request.headers.authorization, token)) {
        response.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="metrics"' }).end('METRICS_TOKEN is set: send it as a bearer token\n');
        return;
      }
      const [own, core] = await Promise.all([
        metrics.registry.metrics(),
        fetch(coreUrl, { signal: AbortSignal.timeout(2_000) }).then((r) => r.text()).catch(() => ''),
      ]);
      response.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(mergeExpositions([{ text: own }, { text: core }]));
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  server.unref();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    logger().warn({ bind, err: error }, `the worker's metrics endpoint could not listen on ${bind}; set OPSDESK_WORKER_METRICS to another host:port or off`);
    return { close: () => Promise.resolve() };
  }
  const address = server.address() as { port: number };
  const metricsUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/metrics`;
  logger().info({ metricsUrl }, `worker metrics (Temporal SDK and opsdesk) at ${metricsUrl}`);
  return { metricsUrl, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Per activity execution: a log context with the workflow's ids and the case number, one line
 * when it finishes (info) or fails (warn), and opsdesk_activities_total.
 */
class ActivityLogInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: ActivityContext,
    private readonly lookup?: (runId: string) => Promise<string | undefined>,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const info = this.ctx.info;
    const workflowId = info.workflowExecution?.workflowId ?? '';
    const runId = info.workflowExecution?.runId ?? '';
    let caseNumber = caseNumbers.get(runId) ?? caseNumberIn(input.args[0]);
    if (!caseNumber && this.lookup && runId && !caseNumbers.recentlyMissed(runId)) {
      caseNumber = await this.lookup(runId).catch(() => undefined);
      if (!caseNumber) caseNumbers.noteMiss(runId);
    }
    if (caseNumber) caseNumbers.set(runId, caseNumber);
    const context: LogContext = { workflowId, runId, activityType: info.activityType, ...(caseNumber ? { caseNumber } : {}) };
    const started = Date.now();
    return runWithLogContext(context, async () => {
      try {
        const result = await next(input);
        const found = caseNumberIn(result);
        if (found) {
          caseNumbers.set(runId, found);
          context.caseNumber = found;
        }
        metrics.activities.inc({ activity: info.activityType, result: 'completed' });
        logger().info({ attempt: info.attempt, durationMs: Date.now() - started }, `activity ${info.activityType} completed`);
        return result;
      } catch (error) {
        metrics.activities.inc({ activity: info.activityType, result: 'failed' });
        logger().warn({ attempt: info.attempt, durationMs: Date.now() - started, err: error }, `activity ${info.activityType} failed (attempt ${info.attempt})`);
        throw error;
      }
    });
  }
}

function caseNumberIn(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  return [record.caseNumber, record.number].find((v): v is string => typeof v === 'string' && CASE_NUMBER_PATTERN.test(v));
}

/**
 * What createOpsdeskWorker adds to Worker.create: the activity log interceptor always; with
 * tracing on, the OpenTelemetry interceptors, the workflow interceptor module (only when the worker
 * bundles its own workflow code: a prebuilt bundle has what it was built with) and the span sink.
 */
export function workerObservabilityOptions(options: { lookupCaseNumber?: (runId: string) => Promise<string | undefined>; prebuiltBundle?: boolean }): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const logging: ActivityInterceptorsFactory = (ctx) => ({ inbound: new ActivityLogInterceptor(ctx, options.lookupCaseNumber) });
  const tracing = workerTracing();
  if (!tracing) return { interceptors: { activity: [logging] } };
  return {
    interceptors: { activity: [...tracing.activity, logging], workflowModules: options.prebuiltBundle ? [] : tracing.workflowModules },
    sinks: tracing.sinks,
  };
}

/** case_record's number for a workflow run (the run id is unique there). */
export function caseNumberLookup(execute: (sql: string, params: unknown[]) => Promise<Array<{ number: string }>>): (runId: string) => Promise<string | undefined> {
  return async (runId) => (await execute('select number from case_record where run_id = ? limit 1', [runId]))[0]?.number;
}
