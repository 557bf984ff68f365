import { BigIntType, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { BackupReason, BackupTargetKind } from '../../workflows/shared/contracts';

/** Why a backup was taken (BackupReason): by its schedule, before a deletion, before a restore over the original, or on request. */
export type { BackupReason, BackupTargetKind };

export type OperationStatus = 'running' | 'succeeded' | 'failed' | 'compensated';

/**
 * The journal of automated operations: one row per key (case number + step). A second run with the
 * same key returns the recorded result instead of doing the work again; compensation reads what
 * the run created from `created`.
 */
@Entity({ tableName: 'operation_run' })
export class OperationRun {
  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'uuid', nullable: true, index: true })
  caseId?: string | null;

  @Property({ type: 'text', nullable: true })
  caseNumber?: string | null;

  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'jsonb' })
  params: Record<string, unknown> = {};

  @Property({ type: 'text' })
  status: OperationStatus = 'running';

  @Property({ type: 'integer' })
  attempts: number = 1;

  /** What the run made so far (asset ids, names): compensation removes these. */
  @Property({ type: 'jsonb' })
  created: Record<string, unknown> = {};

  @Property({ type: 'jsonb', nullable: true })
  result?: Record<string, unknown> | null;

  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Property({ type: 'jsonb', nullable: true })
  compensation?: Record<string, unknown> | null;

  @Property({ type: 'timestamptz' })
  startedAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date | null;
}

export type BackupStatus = 'running' | 'succeeded' | 'failed' | 'pruned';

/** The backup catalog (R-OP-8, R-SCHED-2): every backup, its file, checksum and retention. */
@Entity({ tableName: 'backup_record' })
@Index({ properties: ['targetKind', 'targetName', 'startedAt'] })
export class BackupRecord {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Idempotency key: the same key is one backup, however often the activity runs. */
  @Property({ type: 'text', unique: true })
  key!: string;

  @Property({ type: 'text' })
  targetKind!: BackupTargetKind;

  @Property({ type: 'text' })
  targetName!: string;

  @Property({ type: 'text' })
  reason!: BackupReason;

  @Property({ type: 'text' })
  status: BackupStatus = 'running';

  /** Relative to the backup store (BACKUP_DIR). */
  @Property({ type: 'text' })
  file!: string;

  @Property({ type: new BigIntType('number'), nullable: true })
  sizeBytes?: number | null;

  /** sha256 of the file, hex. */
  @Property({ type: 'text', nullable: true })
  sha256?: string | null;

  /** Data fingerprint (databases) or export manifest (VMs): what a restore must reproduce. */
  @Property({ type: 'jsonb', nullable: true })
  contents?: Record<string, unknown> | null;

  @Property({ type: 'integer' })
  retentionDays!: number;

  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date | null;

  /** Who asked: a case (`REQ-2026-0001 (by 運用 一郎)`) or a schedule (`schedule:<id>`). */
  @Property({ type: 'text' })
  requestedBy!: string;

  @Property({ type: 'text', nullable: true })
  caseNumber?: string | null;

  @Property({ type: 'timestamptz' })
  startedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  prunedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  failureNotifiedAt?: Date | null;
}

/** A target's backup schedule (R-SCHED-2): one Temporal Schedule per target. */
@Entity({ tableName: 'backup_policy' })
@Unique({ properties: ['targetKind', 'targetName'] })
export class BackupPolicy {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  targetKind!: BackupTargetKind;

  @Property({ type: 'text' })
  targetName!: string;

  /** Five cron fields, in `timezone`. */
  @Property({ type: 'text' })
  cron!: string;

  @Property({ type: 'text' })
  timezone: string = 'Asia/Tokyo';

  @Property({ type: 'integer' })
  retentionDays!: number;

  @Property({ type: 'text' })
  scheduleId!: string;

  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'text', nullable: true })
  configuredBy?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}

/**
 * A secret shown once to the requesting department (a new database's password): stored encrypted
 * (AES-256-GCM), readable after the operation succeeded, erased by the first read.
 */
@Entity({ tableName: 'operation_secret' })
export class OperationSecret {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** The operation key: one secret per operation. */
  @Property({ type: 'text', unique: true })
  key!: string;

  @Property({ type: 'uuid', index: true })
  caseId!: string;

  @Property({ type: 'uuid', nullable: true })
  departmentId?: string | null;

  @Property({ type: 'text' })
  kind!: string;

  /** iv.tag.ciphertext (base64); null once read. */
  @Property({ type: 'text', nullable: true, lazy: true })
  sealed?: string | null;

  /** Set when the operation succeeded: not readable before. */
  @Property({ type: 'timestamptz', nullable: true })
  availableAt?: Date | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  readAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  readBy?: string | null;
}

export const OPERATION_ENTITIES = [OperationRun, BackupRecord, BackupPolicy, OperationSecret];
