/**
 * Alert payloads from monitoring systems (R-FLOW-1: an alert starts an incident), parsed into one
 * shape. Pure: no I/O, no clock, no framework; safe in services and activities alike.
 *
 * Accepted bodies
 * (a) a Prometheus Alertmanager webhook, version "4": `{ version, status, receiver, groupLabels,
 *     commonLabels, commonAnnotations, externalURL, alerts: [{ status, labels, annotations, startsAt,
 *     endsAt, generatorURL, fingerprint }] }`, several alerts per call;
 * (b) a plain JSON alert `{ source, hostname, alertName, severity, summary, detectedAt, status? }`
 *     (optional `fingerprint` and `labels` too), or a JSON array of such alerts.
 *
 * Unusable input throws `invalid(field, message)` naming the field, e.g. `alerts[1].labels.alertname`.
 * Strings are trimmed, stripped of control characters (the summary keeps line breaks and tabs) and
 * of bidirectional-override characters, and length-limited: a hostname over 253 characters is
 * refused (it cannot be a host name), longer alert names and summaries are cut.
 */
import { invalid } from '../common/errors';

export type AlertStatus = 'firing' | 'resolved';
export type AlertSeverity = 'critical' | 'major' | 'minor' | 'warning' | 'info';

export interface ParsedAlert {
  status: AlertStatus;
  /** The monitoring system (Alertmanager: its receiver name). */
  source: string;
  /** Without `:port`; not lower-cased (InventoryService.findByHostname compares case-insensitively). */
  hostname: string;
  alertName: string;
  severity: AlertSeverity;
  summary: string;
  /** ISO 8601 UTC instant the alert started firing. */
  detectedAt: string;
  /** Alertmanager's fingerprint: the same alert (same labels) keeps it across notifications. */
  fingerprint?: string;
  labels: Record<string, string>;
  /** ISO 8601 UTC instant the alert stopped firing, for a resolved Alertmanager alert. */
  resolvedAt?: string;
}

export const MAX_ALERTS_PER_CALL = 100;
export const MAX_HOSTNAME_LENGTH = 253;
export const MAX_ALERT_NAME_LENGTH = 200;
export const MAX_SUMMARY_LENGTH = 2000;
export const MAX_SOURCE_LENGTH = 200;
const MAX_FINGERPRINT_LENGTH = 128;
const MAX_LABELS = 100;
const MAX_LABEL_NAME_LENGTH = 200;
const MAX_LABEL_VALUE_LENGTH = 1000;

export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['critical', 'major', 'minor', 'warning', 'info'];

/** Alertmanager's conventional `severity` label values → ours; anything else is a warning. */
const SEVERITY_ALIASES: Readonly<Record<string, AlertSeverity>> = {
  critical: 'critical',
  page: 'critical',
  error: 'major',
  major: 'major',
  high: 'major',
  warning: 'warning',
  warn: 'warning',
  minor: 'minor',
  low: 'minor',
  info: 'info',
  none: 'info',
};

/** Labels that name the host, most specific first (`instance` usually carries a `:port`). */
const HOST_LABELS = ['hostname', 'host', 'nodename', 'instance'] as const;

/** ISO 8601 date-time with an explicit offset; Go (Alertmanager) writes up to nine fraction digits. */
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

// C0 and C1 controls and DEL; bidi embeddings/overrides/isolates (Trojan-Source style spoofing).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// The same, but keeping tab and line feed.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS_EXCEPT_BREAKS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

type Json = Record<string, unknown>;

/** Parses an alert webhook body; see the module comment for the accepted shapes. */
export function parseAlertPayload(body: unknown): ParsedAlert[] {
  if (Array.isArray(body)) {
    checkCount(body.length, 'body');
    return body.map((item, i) => parsePlain(item, `[${i}].`));
  }
  if (!isObject(body)) {
    throw invalid('body', 'The body must be an Alertmanager webhook (version 4) or a JSON alert { source, hostname, alertName, severity, summary, detectedAt }');
  }
  if ('alerts' in body || 'version' in body) return parseAlertmanager(body);
  return [parsePlain(body, '')];
}

/** Our severity for a monitoring system's word for it (case-insensitive); unknown → warning. */
export function mapSeverity(value: unknown): AlertSeverity {
  if (typeof value !== 'string') return 'warning';
  return SEVERITY_ALIASES[value.trim().toLowerCase()] ?? 'warning';
}

/** `esx01:9100` → `esx01`, `[2001:db8::1]:9100` → `2001:db8::1`; a bare IPv6 address is kept. */
export function stripPort(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d*)?$/.exec(host);
  if (bracketed) return bracketed[1];
  return host.split(':').length === 2 ? host.replace(/:\d*$/, '') : host;
}

// ---------------------------------------------------------------------------
// Alertmanager
// ---------------------------------------------------------------------------

function parseAlertmanager(body: Json): ParsedAlert[] {
  if (body.version !== undefined && body.version !== '4' && body.version !== 4) {
    throw invalid('version', `Only Alertmanager webhook version 4 is understood, got ${JSON.stringify(body.version)}`);
  }
  const alerts = body.alerts;
  if (!Array.isArray(alerts)) throw invalid('alerts', 'alerts must be a list of alerts');
  if (alerts.length === 0) throw invalid('alerts', 'alerts must contain at least one alert');
  checkCount(alerts.length, 'alerts');
  const source = optionalText(body.receiver, 'receiver', MAX_SOURCE_LENGTH) || 'alertmanager';
  const groupStatus = body.status;
  return alerts.map((raw, i) => {
    const at = `alerts[${i}]`;
    if (!isObject(raw)) throw invalid(at, `${at} must be an object`);
    const labels = labelMap(raw.labels, `${at}.labels`);
    const annotations = labelMap(raw.annotations ?? {}, `${at}.annotations`);

    const status = raw.status ?? groupStatus;
    if (status !== 'firing' && status !== 'resolved') throw invalid(`${at}.status`, `${at}.status must be firing or resolved`);

    const alertName = labels.alertname ? cut(labels.alertname, MAX_ALERT_NAME_LENGTH) : '';
    if (!alertName) throw invalid(`${at}.labels.alertname`, `${at}.labels.alertname is missing: every alert needs a name`);

    const hostLabel = HOST_LABELS.find((name) => labels[name]);
    if (!hostLabel) {
      throw invalid(`${at}.labels.hostname`, `${at}.labels has no host: set one of the labels ${HOST_LABELS.join(', ')}`);
    }
    const hostname = checkHostname(stripUrl(labels[hostLabel]), `${at}.labels.${hostLabel}`);

    const summary = cut(annotations.summary || annotations.description || alertName, MAX_SUMMARY_LENGTH);
    const detectedAt = instant(raw.startsAt, `${at}.startsAt`);
    const fingerprint = optionalText(raw.fingerprint, `${at}.fingerprint`, MAX_FINGERPRINT_LENGTH);

    const parsed: ParsedAlert = {
      status,
      source,
      hostname,
      alertName,
      severity: mapSeverity(labels.severity),
      summary,
      detectedAt,
      labels,
    };
    if (fingerprint) parsed.fingerprint = fingerprint;
    if (status === 'resolved') {
      const resolvedAt = optionalInstant(raw.endsAt);
      if (resolvedAt) parsed.resolvedAt = resolvedAt;
    }
    return parsed;
  });
}

/** Alertmanager labels and annotations: string values; numbers and booleans are taken as text. */
function labelMap(value: unknown, field: string): Record<string, string> {
  if (!isObject(value)) throw invalid(field, `${field} must be an object of name → text`);
  const entries = Object.entries(value);
  if (entries.length > MAX_LABELS) throw invalid(field, `${field} may have at most ${MAX_LABELS} entries`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [rawName, rawValue] of entries) {
    const name = cut(clean(rawName), MAX_LABEL_NAME_LENGTH);
    if (!name) continue;
    if (rawValue === null || rawValue === undefined) continue;
    if (typeof rawValue !== 'string' && typeof rawValue !== 'number' && typeof rawValue !== 'boolean') {
      throw invalid(`${field}.${name}`, `${field}.${name} must be text`);
    }
    const text = String(rawValue);
    out[name] = name === 'description' || name === 'summary' ? cut(cleanMultiline(text), MAX_SUMMARY_LENGTH) : cut(clean(text), MAX_LABEL_VALUE_LENGTH);
  }
  return { ...out };
}

// ---------------------------------------------------------------------------
// Plain JSON
// ---------------------------------------------------------------------------

function parsePlain(raw: unknown, prefix: string): ParsedAlert {
  if (!isObject(raw)) throw invalid(prefix ? prefix.slice(0, -1) : 'body', `${prefix ? prefix.slice(0, -1) : 'The body'} must be a JSON alert object`);
  const source = requiredText(raw.source, `${prefix}source`, MAX_SOURCE_LENGTH);
  const hostnameText = requiredText(raw.hostname, `${prefix}hostname`, Number.MAX_SAFE_INTEGER);
  const hostname = checkHostname(stripUrl(hostnameText), `${prefix}hostname`);
  const alertName = requiredText(raw.alertName, `${prefix}alertName`, MAX_ALERT_NAME_LENGTH);

  const severityText = requiredText(raw.severity, `${prefix}severity`, 50).toLowerCase();
  const severity = SEVERITY_ALIASES[severityText];
  if (!severity) throw invalid(`${prefix}severity`, `${prefix}severity must be one of ${ALERT_SEVERITIES.join(', ')}`);

  let summary = alertName;
  if (raw.summary !== undefined && raw.summary !== null) {
    if (typeof raw.summary !== 'string') throw invalid(`${prefix}summary`, `${prefix}summary must be text`);
    summary = cut(cleanMultiline(raw.summary), MAX_SUMMARY_LENGTH) || alertName;
  }

  const detectedAt = instant(raw.detectedAt, `${prefix}detectedAt`);

  let status: AlertStatus = 'firing';
  if (raw.status !== undefined && raw.status !== null) {
    if (raw.status !== 'firing' && raw.status !== 'resolved') throw invalid(`${prefix}status`, `${prefix}status must be firing or resolved`);
    status = raw.status;
  }

  const parsed: ParsedAlert = {
    status,
    source,
    hostname,
    alertName,
    severity,
    summary,
    detectedAt,
    labels: raw.labels === undefined || raw.labels === null ? {} : labelMap(raw.labels, `${prefix}labels`),
  };
  const fingerprint = optionalText(raw.fingerprint, `${prefix}fingerprint`, MAX_FINGERPRINT_LENGTH);
  if (fingerprint) parsed.fingerprint = fingerprint;
  return parsed;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkCount(count: number, field: string): void {
  if (count > MAX_ALERTS_PER_CALL) {
    throw invalid(field, `At most ${MAX_ALERTS_PER_CALL} alerts per call, got ${count}; lower group_limit / max_alerts in the sender`);
  }
}

/** Single-line text: control characters removed, trimmed. */
function clean(value: string): string {
  return value.replace(CONTROL_CHARS, '').trim();
}

/** Multi-line text: CRLF → LF, other control characters removed, trimmed. */
function cleanMultiline(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROL_CHARS_EXCEPT_BREAKS, '').trim();
}

/** Cuts to at most `max` code points (never splits a surrogate pair), marking the cut with "…". */
function cut(value: string, max: number): string {
  const points = Array.from(value);
  if (points.length <= max) return value;
  return `${points.slice(0, max - 1).join('').trimEnd()}…`;
}

function requiredText(value: unknown, field: string, max: number): string {
  if (value === undefined || value === null) throw invalid(field, `${field} is missing`);
  if (typeof value !== 'string') throw invalid(field, `${field} must be text`);
  const text = cut(clean(value), max);
  if (!text) throw invalid(field, `${field} must not be empty`);
  return text;
}

function optionalText(value: unknown, field: string, max: number): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid(field, `${field} must be text`);
  return cut(clean(value), max);
}

/** `https://portal.example.lg.jp:443/health` (blackbox exporter targets) → `portal.example.lg.jp:443`. */
function stripUrl(value: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/i.exec(value);
  return url ? url[1] : value;
}

function checkHostname(value: string, field: string): string {
  const host = stripPort(clean(value)).replace(/\.$/, '');
  if (!host) throw invalid(field, `${field} must name a host`);
  if (Array.from(host).length > MAX_HOSTNAME_LENGTH) throw invalid(field, `${field} is longer than ${MAX_HOSTNAME_LENGTH} characters`);
  if (/\s/.test(host)) throw invalid(field, `${field} must not contain spaces`);
  return host;
}

function instant(value: unknown, field: string): string {
  if (value === undefined || value === null || value === '') throw invalid(field, `${field} is missing`);
  const iso = optionalInstant(value);
  if (!iso) throw invalid(field, `${field} must be an ISO 8601 date-time with an offset, e.g. 2026-05-01T10:00:00+09:00`);
  return iso;
}

/** The instant as ISO UTC, or undefined when absent, malformed or Go's zero time (0001-01-01). */
function optionalInstant(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_INSTANT.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day] = m[1].slice(0, 10).split('-').map(Number);
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined; // 2026-02-30
  const fraction = m[2] ? m[2].slice(0, 4) : ''; // '.123': JS keeps milliseconds only
  const ms = Date.parse(`${m[1]}${fraction}${m[3].toUpperCase()}`);
  if (!Number.isFinite(ms) || ms < Date.UTC(1970, 0, 1)) return undefined;
  return new Date(ms).toISOString();
}
