import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * A file that came with an inquiry or a mail that joined a case: kept as evidence (R-CONTACT-1),
 * never served as HTML. Stored before the case has a number (`intakeId`), claimed by it afterwards.
 */
@Entity({ tableName: 'case_attachment' })
@Index({ properties: ['caseId'] })
@Index({ properties: ['intakeId'] })
export class CaseAttachment {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid', nullable: true })
  caseId?: string | null;

  /** The intake (API request, received mail) the file came with. */
  @Property({ type: 'text' })
  intakeId!: string;

  @Property({ type: 'text' })
  filename!: string;

  @Property({ type: 'text' })
  contentType!: string;

  @Property({ type: 'integer' })
  size!: number;

  @Property({ type: 'text' })
  sha256!: string;

  @Property({ type: 'blob', lazy: true })
  content!: Buffer;

  /** `mail`, `api`, `ui` */
  @Property({ type: 'text' })
  source!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** An inquiry converted into, or linked to, another case. */
@Entity({ tableName: 'case_link' })
@Unique({ properties: ['fromCaseId', 'toCaseId'] })
@Index({ properties: ['toCaseId'] })
export class CaseLink {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  fromCaseId!: string;

  @Property({ type: 'uuid' })
  toCaseId!: string;

  /** `converted` or `linked` */
  @Property({ type: 'text' })
  relation!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** The desk's settings (src/desk/desk-settings.ts): one row, id 1. */
@Entity({ tableName: 'desk_setting' })
export class DeskSetting {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  id: number = 1;

  @Property({ type: 'integer' })
  ackBusinessMinutes: number = 30;

  @Property({ type: 'bigint' })
  maxAttachmentBytes: number = 10 * 1024 * 1024;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @Property({ type: 'text', nullable: true })
  updatedBy?: string | null;
}

/**
 * Every mail the desk mailbox received (SMTP listener or IMAP reader), written before anything
 * else is done with it and before the sender (SMTP) or the mailbox (IMAP) is told it was taken:
 * keyed by Message-ID, so a mail delivered twice is recorded once. The intake then handles each
 * row once (`processedAt`), and every step it takes is idempotent by the row's id.
 */
@Entity({ tableName: 'mail_inbox' })
@Index({ name: 'mail_inbox_pending_idx', expression: 'create index "mail_inbox_pending_idx" on "mail_inbox" ("id") where "processed_at" is null' })
export class MailInboxEntry {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** The Message-ID (angle brackets removed), or a digest of the raw message when it has none. */
  @Property({ type: 'text', unique: true })
  messageKey!: string;

  @Property({ type: 'blob', lazy: true })
  raw!: Buffer;

  @Property({ type: 'integer' })
  size!: number;

  /** `smtp` or `imap` */
  @Property({ type: 'text' })
  transport!: string;

  @Property({ type: 'text', nullable: true })
  envelopeFrom?: string | null;

  @Property({ type: 'jsonb' })
  envelopeTo: string[] = [];

  @Property({ type: 'timestamptz' })
  receivedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  processedAt?: Date | null;

  /** What the intake did: `inquiry`, `joined`, `alert`, `ignored_auto`, `ignored_loop`, `malformed`. */
  @Property({ type: 'text', nullable: true })
  outcome?: string | null;

  @Property({ type: 'text', nullable: true })
  caseNumber?: string | null;

  @Property({ type: 'jsonb', nullable: true })
  detail?: Record<string, unknown> | null;

  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  nextAttemptAt!: Date;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;
}

/**
 * R-FLOW-1's "alert mail from the monitoring system": a mail from this sender whose subject
 * matches opens or joins an incident as POST /api/alerts does. The subject pattern is a regular
 * expression with the named groups `host` (required) and optionally `alert`, `severity`.
 */
@Entity({ tableName: 'monitoring_mail_rule' })
export class MonitoringMailRule {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  name!: string;

  /** `zabbix@mon.example.lg.jp`, or `*@mon.example.lg.jp` for any sender of the domain. */
  @Property({ type: 'text' })
  sender!: string;

  @Property({ type: 'text' })
  subjectPattern!: string;

  /** A subject matching this (when set) is a recovery: recorded, never opens an incident. */
  @Property({ type: 'text', nullable: true })
  resolvedPattern?: string | null;

  /** Used when the pattern has no `alert` group. */
  @Property({ type: 'text' })
  alertName!: string;

  @Property({ type: 'text' })
  severity: string = 'major';

  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}

export const DESK_ENTITIES = [CaseAttachment, CaseLink, DeskSetting, MailInboxEntry, MonitoringMailRule];
