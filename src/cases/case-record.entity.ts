import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { CaseStatus, Impact, SlaView, WorkPlan } from '../../workflows/shared/case-model';
import type { CaseKind } from '../../workflows/shared/ids';

/**
 * 作業履歴: one incident or work request with the nine fields of R-REC-1..9. Activities write it
 * from the workflow, which alone decides the status.
 */
@Entity({ tableName: 'case_record' })
// Exact counts per kind and status (the list's tabs).
@Index({ properties: ['kind', 'status', 'occurredAt'] })
// Department users list only their department's cases: `department_ids @> {id}` needs GIN.
@Index({ name: 'case_record_department_ids_gin', expression: 'create index "case_record_department_ids_gin" on "case_record" using gin ("department_ids")' })
// Search by any part of the number, subject or hostname (LIKE '%…%' on searchText) stays fast at 100k cases.
@Index({ name: 'case_record_search_text_trgm', expression: 'create index "case_record_search_text_trgm" on "case_record" using gin ("search_text" gin_trgm_ops)' })
// The list is newest first by 発生日時. Its page and its count up to LIST_COUNT_CAP + 1 are index-only
// scans in that order, filtering on the included columns without touching the wide rows; by period too.
@Index({ name: 'case_record_list', expression: 'create index "case_record_list" on "case_record" ("occurred_at" desc, "number" desc) include ("kind", "status", "breached", "search_text")' })
// …and a list of one status starts at its newest case instead of walking past every other status.
@Index({ name: 'case_record_list_by_status', expression: 'create index "case_record_list_by_status" on "case_record" ("status", "occurred_at" desc, "number" desc) include ("kind", "breached")' })
export class CaseRecord {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** INC-2026-0001 / REQ-2026-0001: gap-free per kind and year. */
  @Property({ type: 'text', unique: true })
  number!: string;

  @Property({ type: 'text' })
  kind!: CaseKind;

  @Property({ type: 'text' })
  workflowId!: string;

  @Property({ type: 'text', unique: true })
  runId!: string;

  /** R-REC-1 件名 */
  @Property({ type: 'text' })
  subject!: string;

  /** R-REC-2 対応担当者 (the operator, by name) */
  @Property({ type: 'text', nullable: true })
  assignee?: string | null;

  @Property({ type: 'text', nullable: true })
  assigneeUsername?: string | null;

  /** R-REC-3 発生日時 */
  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  /** R-REC-4 対応状況 */
  @Property({ type: 'text' })
  status: CaseStatus = 'received';

  @Property({ type: 'text', nullable: true })
  resolution?: string | null;

  /** R-REC-5 影響度 */
  @Property({ type: 'jsonb' })
  impact: Impact = {};

  /** R-REC-7 作業計画 */
  @Property({ type: 'jsonb', nullable: true })
  workPlan?: WorkPlan | null;

  /** R-REC-8 承認者 (of the completion; the plan's approver is in workPlan) */
  @Property({ type: 'text', nullable: true })
  approver?: string | null;

  /** R-REC-9 対応完了日 */
  @Property({ type: 'timestamptz', nullable: true })
  completedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  severity?: string | null;

  @Property({ type: 'text', nullable: true })
  hostname?: string | null;

  /**
   * Number, subject and hostname in lower case, kept by PostgreSQL: one LIKE on one trigram index
   * instead of three ILIKEs (case-folding every row three times made searches ten times slower). The
   * first 600 characters only: the list index that counts matches holds it, and a btree entry must stay small.
   */
  @Property({ type: 'text', nullable: true, lazy: true, hidden: true, generated: `(left(lower("number" || ' ' || "subject" || ' ' || coalesce("hostname", '')), 600)) stored` })
  searchText?: string | null;

  @Property({ type: 'boolean' })
  unregisteredDevice: boolean = false;

  @Property({ type: 'integer' })
  alertCount: number = 0;

  /** The alert whose signal started the incident: an alert answered later tells from the row whether it joined. */
  @Property({ type: 'uuid', nullable: true })
  openedByAlertId?: string | null;

  /** Departments that own the affected systems (incident) or asked for the work (request). */
  @Property({ type: 'uuid[]' })
  departmentIds: string[] = [];

  @Property({ type: 'uuid', nullable: true })
  requesterId?: string | null;

  @Property({ type: 'text', nullable: true })
  requestType?: string | null;

  @Property({ type: 'jsonb', nullable: true })
  params?: Record<string, unknown> | null;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'jsonb', nullable: true })
  sla?: SlaView | null;

  /** What an automated operation did (VM id and address, database and host, backup id); never a secret. */
  @Property({ type: 'jsonb', nullable: true })
  results?: Record<string, unknown> | null;

  @Property({ type: 'boolean' })
  breached: boolean = false;

  @Property({ type: 'timestamptz', nullable: true })
  dueAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  nextRole?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}
