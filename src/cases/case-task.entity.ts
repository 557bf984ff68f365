import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

import type { TaskState } from '../../workflows/shared/contracts';

/** A human step as the inbox shows it; the workflow owns it and completes it through an Update. */
@Entity({ tableName: 'case_task' })
// Each role's queue in the inbox's order (TasksService.list): the page is the index's first entries.
@Index({ name: 'case_task_inbox', expression: 'create index "case_task_inbox" on "case_task" ("state", "assignee_role", "due_at" asc nulls last, "created_at" asc)' })
export class CaseTask {
  /** `<case number>-T<n>`: stable across retries, readable by people. */
  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'uuid', index: true })
  caseId!: string;

  @Property({ type: 'text' })
  caseNumber!: string;

  @Property({ type: 'text' })
  workflowId!: string;

  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'text' })
  assigneeRole!: string;

  @Property({ type: 'uuid', nullable: true })
  departmentId?: string | null;

  @Property({ type: 'text' })
  state: TaskState = 'open';

  @Property({ type: 'text[]' })
  allowedOutcomes: string[] = [];

  @Property({ type: 'timestamptz', nullable: true })
  dueAt?: Date | null;

  @Property({ type: 'jsonb', nullable: true })
  suggested?: Record<string, unknown> | null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  completedAt?: Date | null;

  /** 担当: the person who took the step (claim); others see it taken and must take it over to act. */
  @Property({ type: 'text', nullable: true })
  claimedByUsername?: string | null;

  @Property({ type: 'text', nullable: true })
  claimedByName?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  claimedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  completedBy?: string | null;

  @Property({ type: 'text', nullable: true })
  completedByUsername?: string | null;

  @Property({ type: 'text', nullable: true })
  outcome?: string | null;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property({ type: 'jsonb', nullable: true })
  data?: Record<string, unknown> | null;
}
