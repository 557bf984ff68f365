import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { TimelineKind } from '../../workflows/shared/contracts';


/**
 * R-REC-6 対応内容: what was done, in time order. `key` makes every write idempotent, so an
 * activity retried by Temporal never records a step twice.
 */
@Entity({ tableName: 'case_timeline' })
@Index({ properties: ['caseId', 'at'] })
export class TimelineEntry {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  caseId!: string;

  @Property({ type: 'text', unique: true })
  key!: string;

  @Property({ type: 'timestamptz' })
  at!: Date;

  @Property({ type: 'text' })
  kind!: TimelineKind;

  /** Display name of who did it; `null` for the system itself. */
  @Property({ type: 'text', nullable: true })
  actor?: string | null;

  @Property({ type: 'text', nullable: true })
  actorUsername?: string | null;

  @Property({ type: 'text' })
  messageJa!: string;

  @Property({ type: 'text' })
  messageEn!: string;

  @Property({ type: 'jsonb', nullable: true })
  data?: Record<string, unknown> | null;
}
