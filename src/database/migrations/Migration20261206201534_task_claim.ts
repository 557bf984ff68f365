import { Migration } from '@mikro-orm/migrations';

/** 担当 (claim) on a human step: who took it and when (issue 22). */
export class Migration20261206201534_task_claim extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "case_task" add column "claimed_by_username" text null, add column "claimed_by_name" text null, add column "claimed_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "case_task" drop column "claimed_by_username", drop column "claimed_by_name", drop column "claimed_at";`);
  }
}
