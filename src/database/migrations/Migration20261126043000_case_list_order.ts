import { Migration } from '@mikro-orm/migrations';

/** The case list is ordered by 発生日時 (occurred_at): its indexes follow. */
export class Migration20261126043000_case_list_order extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "case_record_kind_status_occurred_at_index" on "case_record" ("kind", "status", "occurred_at");`);
    this.addSql(`create index "case_record_occurred_at_index" on "case_record" ("occurred_at");`);
    this.addSql(`drop index if exists "case_record_kind_status_created_at_index";`);
    this.addSql(`drop index if exists "case_record_created_at_index";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "case_record_kind_status_created_at_index" on "case_record" ("kind", "status", "created_at");`);
    this.addSql(`create index "case_record_created_at_index" on "case_record" ("created_at");`);
    this.addSql(`drop index if exists "case_record_kind_status_occurred_at_index";`);
    this.addSql(`drop index if exists "case_record_occurred_at_index";`);
  }
}
