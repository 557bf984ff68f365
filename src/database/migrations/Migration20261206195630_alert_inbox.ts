import { Migration } from '@mikro-orm/migrations';

/** R-FLOW-1: accepted alerts are kept until Temporal has them (issue 21). */
export class Migration20261206195630_alert_inbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "alert_inbox" ("id" bigserial primary key, "alert_id" uuid not null, "idempotency_key" text null, "source_name" text not null, "workflow_id" text not null, "status" text not null, "signal" jsonb not null, "received_at" timestamptz not null, "delivered_at" timestamptz null, "outcome" text null, "run_id" text null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null default now(), "last_error" text null);`);
    this.addSql(`alter table "alert_inbox" add constraint "alert_inbox_alert_id_unique" unique ("alert_id");`);
    this.addSql(`alter table "alert_inbox" add constraint "alert_inbox_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "alert_inbox_pending_idx" on "alert_inbox" ("workflow_id", "id") where "delivered_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "alert_inbox" cascade;`);
  }

}
