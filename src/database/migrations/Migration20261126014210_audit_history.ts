import { Migration } from '@mikro-orm/migrations';

export class Migration20261126014210_audit_history extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "archived_history" ("id" uuid not null, "case_id" uuid null, "case_number" text null, "workflow_id" text not null, "run_id" text not null, "workflow_type" text not null, "task_queue" text not null, "close_status" text not null, "start_time" timestamptz not null, "close_time" timestamptz not null, "event_count" int not null, "json_bytes" int not null, "sha256" text not null, "history_gzip" bytea not null, "archived_at" timestamptz not null, "archived_by" text not null, constraint "archived_history_pkey" primary key ("id"));`);
    this.addSql(`create index "archived_history_case_id_index" on "archived_history" ("case_id");`);
    this.addSql(`create index "archived_history_workflow_id_index" on "archived_history" ("workflow_id");`);
    this.addSql(`alter table "archived_history" add constraint "archived_history_run_id_unique" unique ("run_id");`);
    this.addSql(`create index "archived_history_close_time_index" on "archived_history" ("close_time");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "archived_history" cascade;`);
  }

}
