import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A VM's CPU, memory or disk use on one Japan day (R-RPT-1), read by the nightly gathering from
 * Prometheus (node_exporter series, labelled `hostname` from the inventory) at a 5-minute
 * resolution: the day's average and peak in percent, and how many 5-minute points they rest on.
 */
@Entity({ tableName: 'report_vm_resource_daily' })
export class ReportVmResourceDay {
  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'text' })
  hostname!: string;

  /** `cpu`, `memory` or `disk` (the fullest real file system). */
  @PrimaryKey({ type: 'text' })
  metric!: string;

  @Property({ type: 'double' })
  averagePercent!: number;

  @Property({ type: 'double' })
  peakPercent!: number;

  /** 5-minute points of the day with a value. */
  @Property({ type: 'integer' })
  samples!: number;

  /** `prometheus` (gathered) or what else wrote the row. */
  @Property({ type: 'text' })
  source!: string;

  @Property({ type: 'timestamptz' })
  gatheredAt: Date = new Date();
}

/**
 * Octets through one interface of one device on one Japan day (R-RPT-4 / R-MON-3): the increase of
 * snmp_exporter's IF-MIB counters (ifHCInOctets / ifHCOutOctets) over the day.
 */
@Entity({ tableName: 'report_traffic_daily' })
export class ReportTrafficDay {
  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'text' })
  hostname!: string;

  /** ifName (ifIndex when the device has no name for it). */
  @PrimaryKey({ type: 'text' })
  interface!: string;

  @Property({ type: 'double' })
  inOctets!: number;

  @Property({ type: 'double' })
  outOctets!: number;

  @Property({ type: 'text' })
  source!: string;

  @Property({ type: 'timestamptz' })
  gatheredAt: Date = new Date();
}

/**
 * What the database platform and the backup store hold on one Japan day (R-RPT-3), as opsdesk can
 * read it: each database's size from the database platform (pg_database_size), the backup store's
 * use from the backup catalog (the files kept that day) and its file system's size. A total opsdesk
 * cannot read is null, never a guess.
 */
@Entity({ tableName: 'report_storage_daily' })
export class ReportStorageDay {
  @PrimaryKey({ type: 'date' })
  day!: string;

  /** `database_platform` or `backup_store`. */
  @PrimaryKey({ type: 'text' })
  store!: string;

  /** A database's name, or `*` for the store as a whole. */
  @PrimaryKey({ type: 'text' })
  item!: string;

  @Property({ type: 'double' })
  usedBytes!: number;

  @Property({ type: 'double', nullable: true })
  totalBytes?: number | null;

  /** How the numbers were read, in words. */
  @Property({ type: 'text' })
  source!: string;

  @Property({ type: 'timestamptz' })
  gatheredAt: Date = new Date();
}

export const DAILY_FIGURE_ENTITIES = [ReportVmResourceDay, ReportTrafficDay, ReportStorageDay];
