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

/**
 * An address of VSPHERE_ADDRESS_POOL given to a VM (R-OP-1), one row per address: the primary key
 * is what keeps two workers from handing out the same address at the same moment (vCenter cannot:
 * the address is only a note on the VM once the clone has been made).
 */
@Entity({ tableName: 'hypervisor_address_lease' })
export class HypervisorAddressLease {
  @PrimaryKey({ type: 'text' })
  adapter!: string;

  @PrimaryKey({ type: 'text' })
  address!: string;

  /** The operation key that took it: a retry of that operation gets the same address. */
  @Property({ type: 'text', unique: true })
  key!: string;

  @Property({ type: 'text' })
  vmName!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  leasedAt: Date = new Date();
}
