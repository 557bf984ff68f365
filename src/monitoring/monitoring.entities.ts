import { Check, Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { ASSET_KINDS, type AssetKind } from '../inventory/asset.entity';
import { THRESHOLD_KINDS, THRESHOLD_SEVERITIES, type ThresholdKind, type ThresholdSeverity } from './threshold-rules';

/**
 * A preset threshold (R-MON-1..3): per device class (assetKind) or, overriding it, per device
 * (assetId). Users choose a kind and numbers; rules are rendered from them (threshold-rules.ts).
 */
@Entity({ tableName: 'monitoring_threshold' })
@Check({ name: 'monitoring_threshold_scope_check', expression: '(asset_kind IS NULL) <> (asset_id IS NULL)' })
// One threshold per kind (and service) per class, and per device.
@Unique({ name: 'monitoring_threshold_class_unique', expression: `create unique index "monitoring_threshold_class_unique" on "monitoring_threshold" ("kind", "asset_kind", coalesce("service", '')) where "asset_kind" is not null` })
@Unique({ name: 'monitoring_threshold_device_unique', expression: `create unique index "monitoring_threshold_device_unique" on "monitoring_threshold" ("kind", "asset_id", coalesce("service", '')) where "asset_id" is not null` })
export class MonitoringThreshold {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Enum({ type: 'text', items: [...THRESHOLD_KINDS] })
  kind!: ThresholdKind;

  /** The device class it applies to; null for a per-device override. */
  @Enum({ type: 'text', items: [...ASSET_KINDS], nullable: true })
  assetKind?: AssetKind | null;

  /** The device it overrides the class threshold for; null for a class threshold. */
  @Index()
  @Property({ type: 'uuid', nullable: true })
  assetId?: string | null;

  /** The number (seconds for ping_down; ms, %, days, lines, bps otherwise). */
  @Property({ type: 'double' })
  value!: number;

  /** How long the condition must hold before it is a breach (the rule's `for:`). */
  @Property({ type: 'integer' })
  forSeconds: number = 60;

  @Enum({ type: 'text', items: [...THRESHOLD_SEVERITIES] })
  severity!: ThresholdSeverity;

  /** service_down: the systemd unit watched. */
  @Property({ type: 'text', nullable: true })
  service?: string | null;

  @Property({ type: 'boolean' })
  enabled: boolean = true;

  /** 1 at creation, +1 at every change; every version is kept in monitoring_threshold_version. */
  @Property({ type: 'integer' })
  version: number = 1;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @Property({ type: 'text' })
  updatedBy!: string;
}

/** Every version of every threshold, deleted ones included. */
@Entity({ tableName: 'monitoring_threshold_version' })
export class MonitoringThresholdVersion {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Index()
  @Property({ type: 'uuid' })
  thresholdId!: string;

  @Property({ type: 'integer' })
  version!: number;

  /** created | updated | deleted */
  @Property({ type: 'text' })
  change!: string;

  @Property({ type: 'json' })
  snapshot!: Record<string, unknown>;

  @Property({ type: 'timestamptz' })
  at: Date = new Date();

  @Property({ type: 'text' })
  by!: string;
}



/**
 * How a device's agents are reached (issue 16): a VM's node_exporter and mtail (defaults 9100 and
 * 3903 for VMs and servers; 0: none), a switch's or firewall's SNMP (v2c community sealed with
 * AES-256-GCM under the key that seals database passwords).
 */
@Entity({ tableName: 'monitoring_device' })
export class MonitoringDevice {
  @PrimaryKey({ type: 'uuid' })
  assetId!: string;

  @Property({ type: 'integer', nullable: true })
  nodeExporterPort?: number | null;

  @Property({ type: 'integer', nullable: true })
  mtailPort?: number | null;

  @Property({ type: 'integer', nullable: true })
  snmpPort?: number | null;

  @Property({ type: 'text', nullable: true, hidden: true })
  snmpCommunitySealed?: string | null;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @Property({ type: 'text' })
  updatedBy!: string;
}
export const MONITORING_ENTITIES = [MonitoringThreshold, MonitoringThresholdVersion, MonitoringDevice];
