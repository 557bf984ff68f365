import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { DAILY_FIGURE_ENTITIES } from './daily-figures.entities';

/**
 * One device's availability on one day in Japan (R-RPT-1/2), kept by the nightly gathering from
 * Prometheus's probes (`probe_success{job="icmp"}`), so a report can be rebuilt after Prometheus's
 * retention and each availability figure can be traced to its days.
 */
@Entity({ tableName: 'report_availability_daily' })
export class ReportAvailabilityDay {
  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'text' })
  hostname!: string;

  /** Probe results seen that day, and how many of them failed. */
  @Property({ type: 'integer' })
  samples!: number;

  @Property({ type: 'integer' })
  failedSamples!: number;

  /** Seconds of the day covered by samples, and the share of them down (samples × scrape interval). */
  @Property({ type: 'double' })
  observedSeconds!: number;

  @Property({ type: 'double' })
  downSeconds!: number;

  /** `prometheus` (gathered) or what else wrote the row. */
  @Property({ type: 'text' })
  source!: string;

  @Property({ type: 'timestamptz' })
  gatheredAt: Date = new Date();
}

/** A generation of the monthly report (R-RPT-1..5): its figures, its comments, its approval. */
@Entity({ tableName: 'monthly_report' })
@Unique({ properties: ['month', 'revision'] })
export class MonthlyReport {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** `YYYY-MM` (the month reported on, in Japan). */
  @Property({ type: 'text' })
  month!: string;

  @Property({ type: 'integer' })
  revision!: number;

  /** `schedule` or `on_demand`. */
  @Property({ type: 'text' })
  trigger!: string;

  /** gathering → commenting → approval → approved (or failed). */
  @Property({ type: 'text' })
  status: string = 'gathering';

  @Property({ type: 'text' })
  workflowId!: string;

  @Property({ type: 'text' })
  requestedBy!: string;

  @Property({ type: 'jsonb', nullable: true })
  figures?: unknown;

  @Property({ type: 'text', nullable: true })
  figuresSha256?: string | null;

  /** 所見 per section id. */
  @Property({ type: 'jsonb' })
  comments: Record<string, string> = {};

  /** Comments, send-backs and the approval, in order. */
  @Property({ type: 'jsonb' })
  events: unknown[] = [];

  @Property({ type: 'timestamptz', nullable: true })
  generatedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  approvedBy?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  approvedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  mailMessageId?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}

/** A rendered file of a report: the draft (before comments) or the final one (approved). */
@Entity({ tableName: 'monthly_report_file' })
export class MonthlyReportFile {
  @PrimaryKey({ type: 'uuid' })
  reportId!: string;

  /** `draft` or `final`. */
  @PrimaryKey({ type: 'text' })
  stage!: string;

  /** `xlsx` or `pdf`. */
  @PrimaryKey({ type: 'text' })
  kind!: string;

  @Property({ type: 'text' })
  sha256!: string;

  @Property({ type: 'integer' })
  size!: number;

  @Property({ type: 'blob', lazy: true })
  content!: Buffer;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** General affairs' settings of the report (one row). */
@Entity({ tableName: 'report_settings' })
export class ReportSettings {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  id: number = 1;

  /** Whether department users see other departments' rows (false: their own department only). */
  @Property({ type: 'boolean' })
  departmentsSeeOthers: boolean = false;

  @Property({ type: 'text', nullable: true })
  updatedBy?: string | null;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}

export const REPORT_ENTITIES = [ReportAvailabilityDay, MonthlyReport, MonthlyReportFile, ReportSettings, ...DAILY_FIGURE_ENTITIES];
