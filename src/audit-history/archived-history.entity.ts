import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * The full Temporal event history of one closed workflow run, kept for good: Temporal deletes
 * closed workflows after the namespace's retention, auditors still need them years later.
 *
 * `history` is the gzip of exactly the JSON `temporal workflow show --output json` writes
 * (historyToJSON); `sha256` is the checksum of that uncompressed JSON, checked on every read.
 */
@Entity({ tableName: 'archived_history' })
@Index({ properties: ['closeTime'] })
export class ArchivedHistory {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** The case the run belongs to (null for a run that never registered one). */
  @Property({ type: 'uuid', nullable: true, index: true })
  caseId?: string | null;

  @Property({ type: 'text', nullable: true })
  caseNumber?: string | null;

  @Property({ type: 'text', index: true })
  workflowId!: string;

  /** One archive per run: inserting the same run twice is a no-op. */
  @Property({ type: 'text', unique: true })
  runId!: string;

  @Property({ type: 'text' })
  workflowType!: string;

  @Property({ type: 'text' })
  taskQueue!: string;

  /** How the run ended: COMPLETED, FAILED, TERMINATED, CANCELLED, TIMED_OUT, CONTINUED_AS_NEW. */
  @Property({ type: 'text' })
  closeStatus!: string;

  @Property({ type: 'timestamptz' })
  startTime!: Date;

  @Property({ type: 'timestamptz' })
  closeTime!: Date;

  @Property({ type: 'integer' })
  eventCount!: number;

  /** Bytes of the uncompressed JSON. */
  @Property({ type: 'integer' })
  jsonBytes!: number;

  @Property({ type: 'text' })
  sha256!: string;

  @Property({ type: 'blob', lazy: true })
  historyGzip!: Buffer;

  @Property({ type: 'timestamptz' })
  archivedAt: Date = new Date();

  /** Who archived it: `worker-archiver`, `api-on-read`, `cli`. */
  @Property({ type: 'text' })
  archivedBy!: string;
}
