import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { annotateLogContext, CASE_NUMBER_PATTERN, runWithLogContext, type LogContext } from './log-context';
import { logger } from './logger';
import { metrics } from './metrics';

/** Probes and scrapes: counted like every request, logged at debug so they do not drown the log. */
const QUIET = /^\/(health(\/|$)|metrics$)/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface HttpState {
  inFlight: number;
  draining: boolean;
  idle: Array<() => void>;
}

const states = new WeakMap<Server, HttpState>();

type ObservedRequest = Request & { actor?: { username?: string }; opsdesk?: LogContext };

/**
 * First middleware of the API: a request id (taken from `X-Request-Id` when sane, echoed back),
 * the log context every line of the request carries, one log line per request, the per-route
 * latency histogram, and the in-flight count the drain waits for.
 */
export function installHttpObservability(app: INestApplication): void {
  const server = app.getHttpServer() as Server;
  const state: HttpState = { inFlight: 0, draining: false, idle: [] };
  states.set(server, state);

  app.use((request: ObservedRequest, response: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const path = request.path;
    const context: LogContext = { requestId };
    const inPath = CASE_NUMBER_PATTERN.exec(path)?.[0];
    if (inPath) context.caseNumber = inPath;
    request.opsdesk = context;
    response.setHeader('X-Request-Id', requestId);
    if (state.draining) response.setHeader('Connection', 'close');

    state.inFlight++;
    metrics.httpInFlight.inc();
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      state.inFlight--;
      metrics.httpInFlight.dec();
      if (state.inFlight === 0) for (const wake of state.idle.splice(0)) wake();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(request);
      const status = response.writableFinished ? response.statusCode : 499;
      metrics.httpDuration.observe({ method: request.method, route, status: String(status) }, seconds);
      if (!context.user && request.actor?.username) context.user = request.actor.username;
      const line = { ...context, method: request.method, route, path, status, durationMs: Math.round(seconds * 10_000) / 10 };
      const msg = `${request.method} ${path} ${status} ${line.durationMs}ms`;
      if (QUIET.test(path)) logger()[status < 500 ? 'debug' : 'warn'](line, msg);
      else if (status >= 500) logger().error(line, msg);
      else logger().info(line, msg);
    };
    response.once('finish', done);
    response.once('close', done);
    // While draining, orchestrators' readiness probes see 503 and send no more traffic here.
    if (state.draining && path === '/health/ready') {
      response.status(503).json({ status: 'draining' });
      return;
    }
    runWithLogContext(context, next);
  });
}

function routeOf(request: Request): string {
  const route: unknown = Reflect.get(request, 'route');
  const pattern: unknown = route && typeof route === 'object' ? Reflect.get(route, 'path') : undefined;
  if (typeof pattern === 'string') return pattern;
  if (request.method === 'GET' && !/^\/(api|health|metrics)(\/|$)/.test(request.path)) return 'ui';
  return 'unmatched';
}

/** What the API's drain reports. */
export interface DrainResult {
  drained: boolean;
  waitedMs: number;
  inFlightAtStart: number;
}

/**
 * Graceful stop of the HTTP side, called before the database and Temporal connections close:
 * stop accepting connections, let requests in flight finish (up to `timeoutMs`), then cut what is
 * left. Keep-alive connections get `Connection: close` on their next response.
 */
export async function drainHttp(server: Server, timeoutMs: number): Promise<DrainResult> {
  const state = states.get(server);
  const started = Date.now();
  if (!state) return { drained: true, waitedMs: 0, inFlightAtStart: 0 };
  state.draining = true;
  const inFlightAtStart = state.inFlight;
  if (server.listening) server.close(() => undefined);
  server.closeIdleConnections?.();
  let drained = state.inFlight === 0;
  if (!drained) {
    logger().info({ inFlight: state.inFlight, timeoutMs }, `draining: waiting for ${state.inFlight} request(s) in flight`);
    drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      state.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
  if (!drained) {
    logger().warn({ inFlight: state.inFlight }, `drain timed out after ${timeoutMs} ms; closing ${state.inFlight} connection(s)`);
    server.closeAllConnections?.();
  }
  server.closeIdleConnections?.();
  const result = { drained, waitedMs: Date.now() - started, inFlightAtStart };
  if (inFlightAtStart > 0) logger().info(result, `drained ${inFlightAtStart} request(s) in ${result.waitedMs} ms`);
  return result;
}

export function httpInFlight(server: Server): number {
  return states.get(server)?.inFlight ?? 0;
}

/** For the interceptor: the facts a handler's answer names. */
export function annotateFromBody(body: unknown): void {
  if (!body || typeof body !== 'object') return;
  const record = body as Record<string, unknown>;
  const isNumber = (v: unknown): v is string => typeof v === 'string' && CASE_NUMBER_PATTERN.test(v);
  // One case ({ caseNumber } / { number }), or several (alert intake: { results: [{ caseNumber }] }).
  const numbers = [record.caseNumber, record.number, ...(Array.isArray(record.results) ? record.results.map((r: unknown) => (r && typeof r === 'object' ? (r as Record<string, unknown>).caseNumber : undefined)) : [])].filter(isNumber);
  const unique = [...new Set(numbers)];
  annotateLogContext({
    caseNumber: unique[0],
    caseNumbers: unique.length > 1 ? unique.join(',') : undefined,
    workflowId: typeof record.workflowId === 'string' ? record.workflowId : undefined,
    runId: typeof record.runId === 'string' ? record.runId : undefined,
  });
}
