import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { ASSET_KINDS, type AssetKind } from '../inventory/asset.entity';
import { THRESHOLD_KINDS, THRESHOLD_SEVERITIES, type ThresholdKind, type ThresholdSeverity } from './threshold-rules';

/**
 * A preset threshold (R-MON-1..3): per device class (assetKind) or, overriding it, per device
 * (assetId). Users choose a kind and numbers; rules are rendered from them (threshold-rules.ts).
 */
@Entity({ tableName: 'monitoring_threshold' })
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

export const MONITORING_ENTITIES = [MonitoringThreshold, MonitoringThresholdVersion];
