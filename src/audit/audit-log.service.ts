import { IsolationLevel } from '@mikro-orm/core';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AT_AS_TEXT, auditSnapshot, canonicalJson, entryHash, GENESIS_HASH, isoFromMicros, type ChainFields } from './audit-chain';
import type { AuditRecordInput } from './audit-types';
import { currentRequestContext } from './request-context';

export type { AuditActor, AuditOutcome, AuditRecordInput } from './audit-types';

export interface AuditEntryView {
  seq: number;
  id: string;
  at: string;
  actor: { id: string | null; username: string | null; displayName: string | null; roles: string[] } | null;
  action: string;
  target: string | null;
  requestId: string | null;
  sourceAddress: string | null;
  outcome: string;
  status: number | null;
  change: unknown;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

export interface AuditVerification {
  ok: boolean;
  /** Rows checked before the first problem (all of them when ok). */
  checked: number;
  lastSeq: number;
  /** Publish or note this to anchor the log outside the database. */
  headHash: string;
  firstBroken: { seq: number; id: string | null; reason: 'altered' | 'link' | 'missing' | 'head'; message: string } | null;
}

interface AuditRow {
  seq: string;
  id: string;
  /** Text: see AT_AS_TEXT. */
  at: string;
  actor_id: string | null;
  actor_username: string | null;
  actor_name: string | null;
  actor_roles: string | null;
  action: string;
  target: string | null;
  request_id: string | null;
  source_address: string | null;
  outcome: string;
  status: number | null;
  change: string | null;
  prev_hash: string;
  hash: string;
}

const INSERT_COLUMNS = 'seq, id, at, actor_id, actor_username, actor_name, actor_roles, action, target, request_id, source_address, outcome, status, change, prev_hash, hash';
const SELECT_COLUMNS = INSERT_COLUMNS.replace(' at,', ` ${AT_AS_TEXT} as at,`);
const VERIFY_BATCH = 1000;

function fieldsOf(row: AuditRow): ChainFields {
  return {
    seq: Number(row.seq), id: row.id, at: isoFromMicros(row.at), actorId: row.actor_id, actorUsername: row.actor_username, actorName: row.actor_name, actorRoles: row.actor_roles,
    action: row.action, target: row.target, requestId: row.request_id, sourceAddress: row.source_address, outcome: row.outcome, status: row.status,
    change: row.change, prevHash: row.prev_hash,
  };
}

export function auditEntryView(row: AuditRow): AuditEntryView {
  let change: unknown = null;
  try {
    change = row.change === null ? null : JSON.parse(row.change);
  } catch {
    change = row.change;
  }
  const hasActor = row.actor_id !== null || row.actor_username !== null;
  return {
    seq: Number(row.seq), id: row.id, at: isoFromMicros(row.at),
    actor: hasActor ? { id: row.actor_id, username: row.actor_username, displayName: row.actor_name, roles: row.actor_roles ? row.actor_roles.split(',') : [] } : null,
    action: row.action, target: row.target, requestId: row.request_id, sourceAddress: row.source_address, outcome: row.outcome, status: row.status,
    change, prevHash: row.prev_hash, hash: row.hash,
  };
}

const clip = (value: string | null | undefined, max: number) => (value === null || value === undefined ? null : value.slice(0, max));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** ok | refused | failed; `success` and `failure` (other callers' words) mapped onto them. */
function normalizeOutcome(outcome: unknown): string {
  if (outcome === undefined || outcome === null || outcome === 'ok' || outcome === 'success') return 'ok';
  if (outcome === 'failure' || outcome === 'error') return 'failed';
  return typeof outcome === 'string' ? outcome.slice(0, 20) : 'ok';
}

/**
 * The audit log (監査ログ). record() appends one hash-chained row; writers are serialized by locking
 * the chain head row, so concurrent requests never fork the chain. Provided globally by AuditModule.
 */
@Injectable()
export class AuditLogService {
  constructor(private readonly em: EntityManager) {}

  async record(input: AuditRecordInput): Promise<AuditEntryView> {
    const context = currentRequestContext();
    const actor = input.actor && typeof input.actor === 'object' ? input.actor : null;
    const text = (value: unknown, max: number) => (typeof value === 'string' ? clip(value, max) : null);
    const draft = {
      id: randomUUID(),
      actorId: typeof actor?.userId === 'string' && UUID.test(actor.userId) ? actor.userId.toLowerCase() : null,
      actorUsername: text(actor?.username, 200),
      actorName: text(actor?.displayName, 200),
      actorRoles: actor ? (Array.isArray(actor.roles) ? actor.roles.filter((r): r is string => typeof r === 'string').join(',') : '') : null,
      action: text(input.action, 200) ?? 'unknown',
      target: text(input.target, 300),
      requestId: text(input.requestId ?? context?.requestId, 128),
      sourceAddress: text(input.sourceAddress ?? context?.sourceAddress, 100),
      outcome: normalizeOutcome(input.outcome),
      status: typeof input.status === 'number' ? input.status : null,
      change: input.change === undefined ? null : canonicalJson(auditSnapshot(input.change)),
    };
    const row = await this.em.fork().transactional(async (em) => {
      const [head] = await em.execute<Array<{ last_seq: string; last_hash: string }>>('select last_seq, last_hash from audit_chain_head where id = 1 for update');
      if (!head) throw new Error('the audit chain head row is missing (migration Migration*_audit not applied?)');
      const fields: ChainFields = { ...draft, seq: Number(head.last_seq) + 1, at: new Date().toISOString(), prevHash: head.last_hash };
      const hash = entryHash(fields);
      // The row and the new head in one statement: the head stays locked one round trip less.
      await em.execute(
        `with appended as (insert into audit_log (${INSERT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))
         update audit_chain_head set last_seq = ?, last_hash = ?, updated_at = ? where id = 1`,
        [fields.seq, fields.id, fields.at, fields.actorId, fields.actorUsername, fields.actorName, fields.actorRoles, fields.action, fields.target,
          fields.requestId, fields.sourceAddress, fields.outcome, fields.status, fields.change, fields.prevHash, hash, fields.seq, hash, fields.at],
      );
      return { fields, hash };
    });
    const { fields, hash } = row;
    return auditEntryView({
      seq: String(fields.seq), id: fields.id, at: fields.at, actor_id: fields.actorId, actor_username: fields.actorUsername, actor_name: fields.actorName,
      actor_roles: fields.actorRoles, action: fields.action, target: fields.target, request_id: fields.requestId, source_address: fields.sourceAddress,
      outcome: fields.outcome, status: fields.status, change: fields.change, prev_hash: fields.prevHash, hash,
    });
  }

  async list(query: AuditQuery, order: 'asc' | 'desc' = 'desc'): Promise<{ items: AuditEntryView[]; total: number; limit: number; offset: number }> {
    const knex = this.em.getKnex();
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const filtered = () => {
      const q = knex('audit_log');
      if (query.actor) q.where('actor_username', query.actor);
      if (query.action) matchOrPrefix(q, 'action', query.action);
      if (query.target) matchOrPrefix(q, 'target', query.target);
      if (query.outcome) q.where('outcome', query.outcome);
      if (query.from) q.where('at', '>=', new Date(query.from));
      if (query.to) q.where('at', '<', new Date(query.to));
      return q;
    };
    const [rows, counted] = await Promise.all([
      filtered().select(knex.raw(SELECT_COLUMNS)).orderBy('seq', order).limit(limit).offset(offset) as Promise<AuditRow[]>,
      filtered().count<Array<{ count: string }>>({ count: '*' }),
    ]);
    return { items: rows.map(auditEntryView), total: Number(counted[0]?.count ?? 0), limit, offset };
  }

  /** Walks the chain from the first row and names the first row that does not fit. */
  async verify(): Promise<AuditVerification> {
    // One snapshot for the rows and the head, so appends made meanwhile do not look like damage.
    return this.em.fork().transactional((em) => this.verifyIn(em), { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true });
  }

  private async verifyIn(em: EntityManager): Promise<AuditVerification> {
    let expected = 1;
    let previous = GENESIS_HASH;
    let checked = 0;
    const broken = (seq: number, id: string | null, reason: 'altered' | 'link' | 'missing' | 'head', message: string): AuditVerification => ({
      ok: false, checked, lastSeq: expected - 1, headHash: previous, firstBroken: { seq, id, reason, message },
    });
    for (;;) {
      const rows = await em.execute<AuditRow[]>(`select ${SELECT_COLUMNS} from audit_log where seq >= ? order by seq asc limit ?`, [expected, VERIFY_BATCH]);
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expected) {
          return broken(expected, null, 'missing', `entry ${expected}${seq - 1 > expected ? `–${seq - 1}` : ''} is missing (deleted); the chain continues at ${seq} / 監査ログの行が削除されています`);
        }
        if (entryHash(fieldsOf(row)) !== row.hash) return broken(seq, row.id, 'altered', `entry ${seq} was changed after it was written: its hash does not match its content / 監査ログの行が改ざんされています`);
        if (row.prev_hash !== previous) return broken(seq, row.id, 'link', `entry ${seq} does not follow entry ${seq - 1}: the previous hash differs / 監査ログの連鎖が切れています`);
        previous = row.hash;
        expected += 1;
        checked += 1;
      }
      if (rows.length < VERIFY_BATCH) break;
    }
    const [head] = await em.execute<Array<{ last_seq: string; last_hash: string }>>('select last_seq, last_hash from audit_chain_head where id = 1');
    const lastSeq = expected - 1;
    if (!head) return broken(lastSeq + 1, null, 'head', 'the chain head row is missing / 監査ログの先頭情報がありません');
    const headSeq = Number(head.last_seq);
    if (headSeq > lastSeq) {
      return broken(lastSeq + 1, null, 'missing', `entries ${lastSeq + 1}–${headSeq} are missing at the end of the log (deleted) / 監査ログの末尾の行が削除されています`);
    }
    if (headSeq < lastSeq) {
      const [extra] = await em.execute<Array<{ id: string }>>('select id from audit_log where seq = ?', [headSeq + 1]);
      return broken(headSeq + 1, extra?.id ?? null, 'head', `entries from ${headSeq + 1} on were not appended through the chain head (inserted by hand) / 監査ログに不正な行が追加されています`);
    }
    if (head.last_hash !== previous) {
      const [last] = await em.execute<Array<{ id: string }>>('select id from audit_log where seq = ?', [lastSeq]);
      return broken(lastSeq, last?.id ?? null, 'altered', `entry ${lastSeq} differs from the hash the chain head recorded for it / 監査ログの最終行が改ざんされています`);
    }
    return { ok: true, checked, lastSeq: expected - 1, headHash: previous, firstBroken: null };
  }
}

/** `task.*` / `task.` match a prefix; anything else matches exactly. */
function matchOrPrefix(q: Knex.QueryBuilder, column: string, value: string): void {
  if (value.endsWith('*')) {
    const prefix = value.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`);
    q.where(column, 'like', `${prefix}%`);
  } else {
    q.where(column, value);
  }
}
