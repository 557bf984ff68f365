import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Where the platform event collector (R-MON-1) is in the hypervisor's event stream, per adapter:
 * the cursor after the last event read (read and cursor move in one step, so a restarted collector
 * goes on after it and reads nothing twice), and which worker holds the lease to read (one at a time).
 */
@Entity({ tableName: 'platform_event_cursor' })
export class PlatformEventCursor {
  @PrimaryKey({ type: 'text' })
  adapter!: string;

  /** Opaque to everyone but the adapter (vSphere: the last event's key and time). Null before the first read. */
  @Property({ type: 'text', nullable: true })
  cursor?: string | null;

  /** Events read in all, relevant or not. */
  @Property({ type: 'bigint', defaultRaw: '0' })
  eventsRead: string = '0';

  /** Alerts handed to the intake. */
  @Property({ type: 'bigint', defaultRaw: '0' })
  alertsRaised: string = '0';

  @Property({ type: 'text', nullable: true })
  holder?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  leaseUntil?: Date | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/**
 * Capacity and use of one host or datastore of a cluster on one day (R-RPT-3): the last sample of
 * the day and the day's peak use, for the monthly report.
 */
@Entity({ tableName: 'platform_capacity_daily' })
export class PlatformCapacityDay {
  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'text' })
  adapter!: string;

  @PrimaryKey({ type: 'text' })
  cluster!: string;

  /** `host` or `datastore`. */
  @PrimaryKey({ type: 'text' })
  kind!: string;

  @PrimaryKey({ type: 'text' })
  name!: string;

  @Property({ type: 'integer', nullable: true })
  cpuTotal?: number | null;

  @Property({ type: 'integer', nullable: true })
  cpuUsed?: number | null;

  @Property({ type: 'double', fieldName: 'memory_gib_total', nullable: true })
  memoryGiBTotal?: number | null;

  @Property({ type: 'double', fieldName: 'memory_gib_used', nullable: true })
  memoryGiBUsed?: number | null;

  @Property({ type: 'double', fieldName: 'disk_gib_total' })
  diskGiBTotal!: number;

  @Property({ type: 'double', fieldName: 'disk_gib_used' })
  diskGiBUsed!: number;

  @Property({ type: 'integer', nullable: true })
  vmCount?: number | null;

  @Property({ type: 'integer', nullable: true })
  peakCpuUsed?: number | null;

  @Property({ type: 'double', fieldName: 'peak_memory_gib_used', nullable: true })
  peakMemoryGiBUsed?: number | null;

  @Property({ type: 'double', fieldName: 'peak_disk_gib_used' })
  peakDiskGiBUsed!: number;

  @Property({ type: 'integer' })
  samples: number = 1;

  @Property({ type: 'timestamptz' })
  sampledAt: Date = new Date();
}

/**
 * A power-off task opsdesk itself started in vCenter (by operation key): the event collector does not
 * report the VmPoweredOffEvent it causes as "powered off, not by opsdesk". Times from vCenter's task info.
 */
@Entity({ tableName: 'hypervisor_own_task' })
export class HypervisorOwnTask {
  @PrimaryKey({ type: 'text' })
  task!: string;

  @Property({ type: 'text' })
  adapter!: string;

  @Property({ type: 'text' })
  key!: string;

  /** The VM's managed object id. */
  @Property({ type: 'text', index: true })
  vm!: string;

  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  startedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  vcStartedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  vcFinishedAt?: Date | null;
}

export const PLATFORM_ENTITIES = [PlatformEventCursor, PlatformCapacityDay, HypervisorOwnTask];
