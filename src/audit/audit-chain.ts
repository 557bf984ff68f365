import { createHash } from 'node:crypto';

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);
const VERSION = 'opsdesk-audit-v1';

/** The fields a row's hash covers, exactly as stored. */
export interface ChainFields {
  seq: number;
  id: string;
  /** ISO 8601 in UTC with milliseconds, as written. */
  at: string;
  actorId: string | null;
  actorUsername: string | null;
  actorName: string | null;
  actorRoles: string | null;
  action: string;
  target: string | null;
  requestId: string | null;
  sourceAddress: string | null;
  outcome: string;
  status: number | null;
  change: string | null;
  prevHash: string;
}

/** SHA-256 over a fixed-order JSON array of the fields and the previous row's hash. */
export function entryHash(f: ChainFields): string {
  const material = JSON.stringify([
    VERSION, f.seq, f.id, f.at, f.actorId, f.actorUsername, f.actorName, f.actorRoles, f.action, f.target,
    f.requestId, f.sourceAddress, f.outcome, f.status, f.change, f.prevHash,
  ]);
  return createHash('sha256').update(material, 'utf8').digest('hex');
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

const SECRET_KEY = /passw(or)?d|secret|token|authorization|cookie|api_?key/i;
const MAX_STRING = 1000;
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;

/**
 * What goes into `change`: secrets redacted (text under any key that looks like a password or token), long
 * text cut (with its length kept), big lists and deep structures summarized — a request of 256 KB
 * does not become a 256 KB audit row.
 */
export function auditSnapshot(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'object') return typeof value === 'symbol' ? value.toString() : 'function';
  if (depth >= MAX_DEPTH) return '…(nested)';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => auditSnapshot(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`…(${value.length - MAX_ITEMS} more)`);
    return items;
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (const key of keys.slice(0, MAX_ITEMS)) {
    const item = (value as Record<string, unknown>)[key];
    out[key.slice(0, 100)] = SECRET_KEY.test(key) && typeof item === 'string' ? '[redacted]' : auditSnapshot(item, depth + 1);
  }
  if (keys.length > MAX_ITEMS) out['…'] = `${keys.length - MAX_ITEMS} more fields`;
  return out;
}

/**
 * `at` as PostgreSQL returns it in audit selects (microseconds, UTC) → the ISO string the hash was
 * computed over. A time that was changed below the millisecond keeps its extra digits, and so does
 * not match.
 */
export function isoFromMicros(text: string): string {
  return /\.\d{3}000Z$/.test(text) ? `${text.slice(0, -4)}Z` : text;
}

/** The select expression that gives `at` in the form isoFromMicros() reads. */
export const AT_AS_TEXT = `to_char("at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
