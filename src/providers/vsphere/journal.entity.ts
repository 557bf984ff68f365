import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * What a real hypervisor adapter (vSphere) remembers of its own calls, by operation key: the task it
 * started (so a retry waits for that task instead of starting a second one) and what a finished call
 * returned (so a retried delete of a VM that is already gone is success, not "not found"). The
 * adapter reads and writes it in plain SQL; the entity keeps the schema and its migrations in step.
 */
@Entity({ tableName: 'hypervisor_journal' })
export class HypervisorJournalEntry {
  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  adapter!: string;

  @Property({ type: 'text' })
  operation!: string;

  @Property({ type: 'text' })
  target!: string;

  /** `running` until the call returned, then `success`. */
  @Property({ type: 'text' })
  state!: string;

  @Property({ type: 'jsonb', defaultRaw: "'{}'" })
  detail: Record<string, unknown> = {};

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
