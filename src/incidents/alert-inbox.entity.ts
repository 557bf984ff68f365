import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Every accepted alert, written before the answer goes out (R-FLOW-1: an alert is never lost).
 * The dispatcher hands the rows to Temporal in order per incident (`workflowId`) and marks them
 * delivered; rows that Temporal did not take yet wait here across outages and restarts.
 */
@Entity({ tableName: 'alert_inbox' })
@Index({ name: 'alert_inbox_pending_idx', expression: 'create index "alert_inbox_pending_idx" on "alert_inbox" ("workflow_id", "id") where "delivered_at" is null' })
export class AlertInboxEntry {
  /** Arrival order: alerts of one incident are delivered in this order. */
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** The alert's id in the workflow: a delivery repeated after a crash is recognised there. */
  @Property({ type: 'uuid', unique: true })
  alertId!: string;

  /** From the sender's `Idempotency-Key`: the same request sent again is accepted once. */
  @Property({ type: 'text', nullable: true, unique: true })
  idempotencyKey?: string | null;

  @Property({ type: 'text' })
  sourceName!: string;

  /** The incident workflow the alert belongs to (from host and alert name). */
  @Property({ type: 'text' })
  workflowId!: string;

  @Property({ type: 'text' })
  status!: 'firing' | 'resolved';

  /** The signal as the workflow receives it. */
  @Property({ type: 'jsonb' })
  signal!: Record<string, unknown>;

  @Property({ type: 'timestamptz' })
  receivedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;

  /** `delivered`, or `ignored` (a resolution with no open incident). */
  @Property({ type: 'text', nullable: true })
  outcome?: string | null;

  @Property({ type: 'text', nullable: true })
  runId?: string | null;

  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  nextAttemptAt!: Date;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;
}
