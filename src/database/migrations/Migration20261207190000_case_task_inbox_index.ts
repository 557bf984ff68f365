import { Migration } from '@mikro-orm/migrations';

/**
 * The inbox (GET /api/tasks?mine=true) with 10,000 open tasks in one role's queue (issue 20, bench
 * section 5). It shows the 100 with the earliest deadline, but (state, assignee_role) gave all
 * 10,000 rows to a sort first. `case_task_inbox` keeps each role's queue in the inbox's own order,
 * so the page is its first 100 entries; it replaces the index it extends.
 */
export class Migration20261207190000_case_task_inbox_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "case_task_inbox" on "case_task" ("state", "assignee_role", "due_at" asc nulls last, "created_at" asc);`);
    this.addSql(`drop index if exists "case_task_state_assignee_role_index";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "case_task_state_assignee_role_index" on "case_task" ("state", "assignee_role");`);
    this.addSql(`drop index if exists "case_task_inbox";`);
  }
}
