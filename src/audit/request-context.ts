import { Logger } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { matchRoute, type RoutePolicy } from '../identity/access-policy';
import type { RoutedRequest } from '../identity/routed-request';
import type { Actor } from '../identity/current-user';
import type { AuditOutcome, AuditRecordInput } from './audit-types';

/** What one request knows for the audit log; services add to `notes` through noteAudit(). */
export interface AuditRequestContext {
  requestId: string;
  sourceAddress: string | null;
  notes: AuditNotes;
}

export interface AuditNotes {
  /** Who acted, when the guard did not establish it (sign-in). */
  actor?: Actor | null;
  target?: string;
  /** Merged into the entry's `change` (before/after, the reason a sign-in failed, ...). */
  change?: Record<string, unknown>;
}

const storage = new AsyncLocalStorage<AuditRequestContext>();

/** The current request's id and source address (undefined outside a request). */
export function currentRequestContext(): AuditRequestContext | undefined {
  return storage.getStore();
}

/** Adds to the audit entry the current request will be recorded with. */
export function noteAudit(notes: AuditNotes): void {
  const context = storage.getStore();
  if (!context) return;
  if (notes.actor !== undefined) context.notes.actor = notes.actor;
  if (notes.target !== undefined) context.notes.target = notes.target;
  if (notes.change) context.notes.change = { ...context.notes.change, ...notes.change };
}

type ContextRequest = RoutedRequest & { auditContext?: AuditRequestContext };

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const logger = new Logger('audit');

interface Recorder {
  record(input: AuditRecordInput): Promise<unknown>;
}

/**
 * First middleware of the app (before body parsing, so that even a request whose body cannot be
 * read is recorded): gives the request an id (X-Request-Id, echoed), and records the request in the
 * audit log just before its answer goes out — every mutating request, every refused one (401/403),
 * and reads the route table marks. The answer waits for the row, so a client that has its answer
 * finds the entry.
 */
export function auditRequests(audit: Recorder): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const request = req as ContextRequest;
    // The request id the observability middleware gave the request (the log lines carry it), else our own.
    const observed = (req as Request & { opsdesk?: { requestId?: unknown } }).opsdesk?.requestId;
    const header = req.headers['x-request-id'];
    const requestId = typeof observed === 'string' && observed ? observed : typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const context: AuditRequestContext = { requestId, sourceAddress: req.ip ?? req.socket.remoteAddress ?? null, notes: {} };
    request.auditContext = context;

    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let ending = false;
    res.end = ((...args: unknown[]) => {
      if (ending) return end(...args);
      ending = true;
      let entry: AuditRecordInput | null = null;
      try {
        entry = entryFor(request, res, context, args[0]);
      } catch (error) {
        logger.error(`could not describe ${req.method} ${req.originalUrl} for the audit log: ${String(error)}`);
      }
      if (!entry) return end(...args);
      storage.run(context, () => {
        audit.record(entry).then(
          () => end(...args),
          (error: unknown) => {
            logger.error(`could not record ${entry.action} in the audit log: ${error instanceof Error ? error.message : String(error)}`);
            end(...args);
          },
        );
      });
      return res;
    }) as Response['end'];
    next();
  };
}

/** After body parsing: runs the rest of the request inside its context, for noteAudit() and record(). */
export function bindRequestContext(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const context = (req as ContextRequest).auditContext;
    if (!context) return next();
    storage.run(context, next);
  };
}

function entryFor(request: ContextRequest, res: Response, context: AuditRequestContext, chunk: unknown): AuditRecordInput | null {
  const method = request.method.toUpperCase();
  const status = res.statusCode;
  const path = pathOf(request);
  const matched = matchRoute(method, path);
  const policy: RoutePolicy | undefined = request.opsdeskRoute?.policy ?? matched?.policy;
  const refused = status === 401 || status === 403;
  if (!MUTATING.has(method) && !refused && !(policy?.auditReads && status < 400)) return null;
  if (policy?.auditedByModule && !refused) return null;
  if (method === 'OPTIONS') return null;

  const answer = parseAnswer(res, chunk);
  const change: Record<string, unknown> = {};
  if (MUTATING.has(method) && request.body !== undefined && !(typeof request.body === 'object' && request.body !== null && Object.keys(request.body as object).length === 0)) {
    change.request = request.body;
  }
  if (!MUTATING.has(method) && request.query && Object.keys(request.query).length) change.query = request.query;
  if (status >= 400 && answer && typeof answer.message === 'string') {
    change.error = { message: answer.message, ...(typeof answer.field === 'string' ? { field: answer.field } : {}) };
  }
  Object.assign(change, context.notes.change ?? {});

  const actor = context.notes.actor !== undefined ? context.notes.actor : request.actor ?? null;
  const target = context.notes.target ?? resolveTarget(policy?.target, matched?.params ?? {}, request.body, status < 400 ? answer : null) ?? (policy ? undefined : path.slice(0, 300));
  const outcome: AuditOutcome = status < 400 ? 'ok' : status >= 500 ? 'failed' : 'refused';
  const action = policy?.action ?? (MUTATING.has(method) ? `http.${method.toLowerCase()}` : 'http.read');
  return {
    actor,
    action,
    target,
    change: Object.keys(change).length ? change : undefined,
    requestId: context.requestId,
    sourceAddress: context.sourceAddress ?? undefined,
    outcome,
    status,
  };
}

function pathOf(request: Request): string {
  const raw = request.originalUrl ?? request.url ?? '/';
  const path = raw.split('?')[0] || '/';
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function parseAnswer(res: Response, chunk: unknown): Record<string, unknown> | null {
  const type = res.getHeader('content-type');
  if (typeof type !== 'string' || !type.includes('json')) return null;
  const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : null;
  if (!text || text.length > 65_536) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `case:{id}`, `user:{body.username}`, `asset:{res.id}` → the values, or undefined if one is missing. */
export function resolveTarget(template: string | undefined, params: Record<string, string>, body: unknown, answer: Record<string, unknown> | null): string | undefined {
  if (!template) return undefined;
  let missing = false;
  const value = template.replace(/\{([\w.]+)\}/g, (_, name: string) => {
    const [scope, field] = name.includes('.') ? name.split('.', 2) : ['param', name];
    const source: unknown = scope === 'body' ? body : scope === 'res' ? answer : params;
    const found = source && typeof source === 'object' ? (source as Record<string, unknown>)[field] : undefined;
    if (typeof found !== 'string' && typeof found !== 'number') {
      missing = true;
      return '';
    }
    return String(found).slice(0, 200);
  });
  return missing ? undefined : value;
}
