import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { currentLogContext } from './log-context';

/**
 * One pino logger per process: JSON lines (one per event) for log shippers, or pino-pretty for a
 * person at a terminal (stdout is a TTY, or OPSDESK_LOG_PRETTY=1; `npm start` sets it when its own
 * terminal is one). Every line written inside an HTTP request or an activity carries that
 * request's or activity's facts (requestId, user, caseNumber, workflowId, runId) and, when tracing
 * is on, the trace id.
 *
 *   OPSDESK_LOG_LEVEL   trace | debug | info (default) | warn | error | silent
 *   OPSDESK_LOG_PRETTY  1 = human-readable, 0 = JSON even on a terminal
 */
let root: Logger | undefined;

export interface LoggingOptions {
  level?: string;
  pretty?: boolean;
  /** Where lines go (tests pass a capturing stream); stdout by default. */
  destination?: DestinationStream;
  /** Which process writes: api, worker, backup ... (the `proc` field). */
  process?: string;
}

function defaultLevel(env: NodeJS.ProcessEnv): string {
  if (env.OPSDESK_LOG_LEVEL) return env.OPSDESK_LOG_LEVEL;
  // Test runs read their own assertions; they opt in to log lines with OPSDESK_LOG_LEVEL.
  return env.JEST_WORKER_ID ? 'silent' : 'info';
}

function wantsPretty(env: NodeJS.ProcessEnv): boolean {
  if (env.OPSDESK_LOG_PRETTY === '1' || env.OPSDESK_LOG_PRETTY === 'true') return true;
  if (env.OPSDESK_LOG_PRETTY === '0' || env.OPSDESK_LOG_PRETTY === 'false') return false;
  return !!process.stdout.isTTY;
}

/** (Re)configures the process's logger; later calls to `logger()` return the new one. */
export function configureLogging(options: LoggingOptions = {}, env: NodeJS.ProcessEnv = process.env): Logger {
  const level = options.level ?? defaultLevel(env);
  const base = { proc: options.process ?? env.OPSDESK_PROCESS_NAME ?? 'opsdesk' };
  const destination =
    options.destination ??
    ((options.pretty ?? wantsPretty(env))
      ? pretty({
          sync: true,
          colorize: !!process.stdout.isTTY,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,proc',
          singleLine: true,
          messageFormat: '{if caseNumber}[{caseNumber}] {end}{msg}',
        })
      : pino.destination({ sync: true }));
  root = pino(
    {
      level,
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: contextFields,
      redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'taskToken'], remove: true },
    },
    destination,
  );
  return root;
}

function contextFields(): Record<string, unknown> {
  const context = currentLogContext();
  const span = trace.getActiveSpan();
  const traceId = span?.spanContext().traceId;
  if (!context && !traceId) return {};
  return { ...context, ...(traceId && traceId !== '00000000000000000000000000000000' ? { traceId } : {}) };
}

export function logger(): Logger {
  return root ?? configureLogging();
}

/** Nest's bootstrap chatter (every route mapped, every module loaded) is debug, not info. */
const NEST_CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** Nest's LoggerService on pino: `new Logger('x').log(...)` anywhere in the app ends up here. */
export class PinoNestLogger implements LoggerService {
  log(message: unknown, ...rest: unknown[]): void {
    const context = contextOf(rest);
    this.write(context && NEST_CHATTER.has(context) ? 'debug' : 'info', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    const context = contextOf(rest);
    const stack = rest.find((r): r is string => typeof r === 'string' && r.includes('\n    at '));
    this.write('error', message, context, stack);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, contextOf(rest));
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, contextOf(rest));
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, contextOf(rest));
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, contextOf(rest));
  }
  setLogLevels(_levels: NestLogLevel[]): void {
    /* the level is OPSDESK_LOG_LEVEL's */
  }

  private write(level: Level, message: unknown, context?: string, stack?: string): void {
    const log = logger();
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) log[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) log[level]({ ...fields, ...message });
    else log[level]({ ...fields, ...(stack ? { stack } : {}) }, String(message));
  }
}

function contextOf(rest: unknown[]): string | undefined {
  const last = rest[rest.length - 1];
  return typeof last === 'string' && !last.includes('\n') ? last : undefined;
}

/**
 * The Temporal Runtime's logger on pino: the SDK's own lines, Core's forwarded lines, and the
 * workflow and activity context loggers. Their metadata (workflowId, runId, activityType ...) are
 * fields of the line; `caseNumberOf(runId)` adds the case number when the worker knows it.
 */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly caseNumberOf: (runId: string) => string | undefined = () => undefined) {}

  log(level: TemporalLogLevel, message: string, meta?: LogMetadata): void {
    const fields: Record<string, unknown> = { ...(meta ?? {}) };
    if (fields.workflowRunId && !fields.runId) fields.runId = fields.workflowRunId;
    delete fields.workflowRunId;
    delete fields.taskToken;
    const runId = typeof fields.runId === 'string' ? fields.runId : undefined;
    const caseNumber = runId ? this.caseNumberOf(runId) : undefined;
    if (caseNumber) fields.caseNumber = caseNumber;
    logger()[TEMPORAL_LEVELS[level]]({ context: 'temporal', ...fields }, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

const TEMPORAL_LEVELS: Record<TemporalLogLevel, Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** A `{ log, warn, error }` for process entry points, straight to pino (Nest's static log levels do not apply). */
export function processLogger(context: string): { log(message: string): void; warn(message: string): void; error(message: string): void } {
  return {
    log: (message) => logger().info({ context }, message),
    warn: (message) => logger().warn({ context }, message),
    error: (message) => logger().error({ context }, message),
  };
}
