import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The audit log (監査ログ): append-only and hash-chained. Each row's `hash` covers its own fields and
 * the previous row's hash, so editing or deleting any row breaks the chain from there on
 * (GET /api/audit/verify names the first broken link). A trigger refuses UPDATE, DELETE and
 * TRUNCATE (migration Migration*_audit); the chain still tells if someone disables it.
 * Rows are written with SQL by AuditLogService only; this entity describes the table.
 */
@Entity({ tableName: 'audit_log' })
@Index({ properties: ['at'] })
@Index({ properties: ['actorUsername', 'seq'] })
@Index({ properties: ['action', 'seq'] })
@Index({ properties: ['target', 'seq'] })
export class AuditLogEntry {
  /** 1, 2, 3, ... without gaps: a missing number is a deleted row. */
  @PrimaryKey({ type: 'bigint', autoincrement: false })
  seq!: string;

  @Property({ type: 'uuid', unique: true })
  id!: string;

  @Property({ type: 'timestamptz' })
  at!: Date;

  @Property({ type: 'uuid', nullable: true })
  actorId?: string | null;

  @Property({ type: 'text', nullable: true })
  actorUsername?: string | null;

  @Property({ type: 'text', nullable: true })
  actorName?: string | null;

  /** The actor's roles at the time, comma-separated. */
  @Property({ type: 'text', nullable: true })
  actorRoles?: string | null;

  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'text', nullable: true })
  target?: string | null;

  @Property({ type: 'text', nullable: true })
  requestId?: string | null;

  @Property({ type: 'text', nullable: true })
  sourceAddress?: string | null;

  /** ok | refused | failed */
  @Property({ type: 'text' })
  outcome!: string;

  /** The HTTP status answered, for entries written for a request. */
  @Property({ type: 'smallint', nullable: true })
  status?: number | null;

  /** The change made (request, before/after, reason refused), as canonical JSON text. */
  @Property({ type: 'text', nullable: true })
  change?: string | null;

  @Property({ type: 'text' })
  prevHash!: string;

  @Property({ type: 'text' })
  hash!: string;
}

/**
 * The chain's head: one row (id 1) holding the last sequence number and hash. Appending locks it
 * (SELECT ... FOR UPDATE), which serializes writers, and it anchors the tail: deleting the newest
 * rows leaves the head pointing past the end of the table.
 */
@Entity({ tableName: 'audit_chain_head' })
export class AuditChainHead {
  @PrimaryKey({ type: 'smallint', autoincrement: false })
  id: number = 1;

  @Property({ type: 'bigint' })
  lastSeq!: string;

  @Property({ type: 'text' })
  lastHash!: string;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}
