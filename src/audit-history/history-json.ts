/**
 * Temporal event histories in their JSON form: exactly what `temporal workflow show --output json`
 * writes and `historyToJSON` (@temporalio/common/lib/proto-utils) produces — protojson, with event
 * ids as strings, times as RFC 3339, durations as "7200s" and payloads base64. Everything in this
 * folder reads histories in this one form, whether they come from the server or the archive.
 */
import type { History } from '@temporalio/common/lib/proto-utils';
import { createHash } from 'node:crypto';
import { historyToJson } from './proto-json';

export interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

export interface JsonPayloads {
  payloads?: JsonPayload[] | null;
}

export interface JsonHistoryEvent {
  eventId: string;
  eventTime?: string;
  eventType: string;
  [attributes: string]: unknown;
}

export interface JsonHistory {
  events: JsonHistoryEvent[];
}

/** A history as it is stored and served: the JSON text (checksummed) and its parsed form. */
export interface HistoryDocument {
  json: string;
  history: JsonHistory;
  sha256: string;
}

export function documentFromProto(history: History): HistoryDocument {
  return documentFromJson(historyToJson(history));
}

export function documentFromJson(json: string): HistoryDocument {
  const history = JSON.parse(json) as JsonHistory;
  if (!history || !Array.isArray(history.events) || history.events.length === 0) throw new Error('not a Temporal history: no events');
  return { json, history, sha256: sha256Hex(json) };
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `EVENT_TYPE_TIMER_STARTED` → `TimerStarted` (how the Temporal UI names events). */
export function eventTypeName(eventType: string): string {
  return eventType
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __: string, c: string) => c.toUpperCase());
}

/** The `...EventAttributes` object of an event. */
export function attributesOf(event: JsonHistoryEvent): Record<string, unknown> {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes'));
  return (key ? (event[key] as Record<string, unknown>) : null) ?? {};
}

/** `pick(attrs, 'workflowType', 'name')`: a nested value of parsed JSON, or undefined. */
export function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function text(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
}

export function eventId(event: JsonHistoryEvent): number {
  return Number(event.eventId);
}

export function eventTimeMs(event: JsonHistoryEvent): number {
  return event.eventTime ? Date.parse(event.eventTime) : NaN;
}

/** Decodes a payload written by the default data converter (json/plain, binary/null, json/protobuf). */
export function decodePayload(payload: JsonPayload | null | undefined): unknown {
  if (!payload) return undefined;
  const encoding = payload.metadata?.encoding ? Buffer.from(payload.metadata.encoding, 'base64').toString('utf8') : '';
  if (encoding === 'binary/null') return null;
  const text = payload.data ? Buffer.from(payload.data, 'base64').toString('utf8') : '';
  if (encoding === 'json/plain' || encoding === 'json/protobuf') {
    try {
      return text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      return text;
    }
  }
  if (encoding === 'binary/plain') return `<${payload.data ? Buffer.from(payload.data, 'base64').length : 0} bytes>`;
  return text || undefined;
}

export function decodePayloads(payloads: JsonPayloads | null | undefined): unknown[] {
  return (payloads?.payloads ?? []).map(decodePayload);
}

/** Protojson durations are "7200s" or "0.500s". */
export function durationMs(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(value);
  return match ? Math.round(Number(match[1]) * 1000) : null;
}

export interface HistorySummary {
  workflowType: string;
  taskQueue: string;
  eventCount: number;
  startTime: string | null;
  closeTime: string | null;
  /** COMPLETED, FAILED, TERMINATED, CANCELED, TIMED_OUT, CONTINUED_AS_NEW, or RUNNING when not closed. */
  closeStatus: string;
  /** The first run id of the chain (the run the case record names). */
  firstRunId: string | null;
}

const CLOSE_EVENTS: Record<string, string> = {
  EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: 'COMPLETED',
  EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: 'FAILED',
  EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: 'TIMED_OUT',
  EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: 'CANCELED',
  EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: 'TERMINATED',
  EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: 'CONTINUED_AS_NEW',
};

export function summarize(history: JsonHistory): HistorySummary {
  const first = history.events[0];
  const last = history.events[history.events.length - 1];
  const started = attributesOf(first);
  const closeStatus = CLOSE_EVENTS[last.eventType] ?? 'RUNNING';
  return {
    workflowType: text(pick(started, 'workflowType', 'name')) ?? 'unknown',
    taskQueue: text(pick(started, 'taskQueue', 'name')) ?? '',
    eventCount: history.events.length,
    startTime: first.eventTime ?? null,
    closeTime: closeStatus === 'RUNNING' ? null : (last.eventTime ?? null),
    closeStatus,
    firstRunId: text(started.firstExecutionRunId) ?? text(started.originalExecutionRunId),
  };
}
