import { Migration } from '@mikro-orm/migrations';

export class Migration20261206223606_desk extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "case_attachment" ("id" uuid not null, "case_id" uuid null, "intake_id" text not null, "filename" text not null, "content_type" text not null, "size" int not null, "sha256" text not null, "content" bytea not null, "source" text not null, "created_at" timestamptz not null, constraint "case_attachment_pkey" primary key ("id"));`);
    this.addSql(`create index "case_attachment_intake_id_index" on "case_attachment" ("intake_id");`);
    this.addSql(`create index "case_attachment_case_id_index" on "case_attachment" ("case_id");`);

    this.addSql(`create table "case_link" ("id" uuid not null, "from_case_id" uuid not null, "to_case_id" uuid not null, "relation" text not null, "created_at" timestamptz not null, constraint "case_link_pkey" primary key ("id"));`);
    this.addSql(`create index "case_link_to_case_id_index" on "case_link" ("to_case_id");`);
    this.addSql(`alter table "case_link" add constraint "case_link_from_case_id_to_case_id_unique" unique ("from_case_id", "to_case_id");`);

    this.addSql(`create table "desk_setting" ("id" int not null default 1, "ack_business_minutes" int not null default 30, "max_attachment_bytes" bigint not null default 10485760, "updated_at" timestamptz not null, "updated_by" text null, constraint "desk_setting_pkey" primary key ("id"));`);

    this.addSql(`create table "mail_inbox" ("id" bigserial primary key, "message_key" text not null, "raw" bytea not null, "size" int not null, "transport" text not null, "envelope_from" text null, "envelope_to" jsonb not null, "received_at" timestamptz not null, "processed_at" timestamptz null, "outcome" text null, "case_number" text null, "detail" jsonb null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null default now(), "last_error" text null);`);
    this.addSql(`alter table "mail_inbox" add constraint "mail_inbox_message_key_unique" unique ("message_key");`);
    this.addSql(`create index "mail_inbox_pending_idx" on "mail_inbox" ("id") where "processed_at" is null;`);

    this.addSql(`create table "monitoring_mail_rule" ("id" uuid not null, "name" text not null, "sender" text not null, "subject_pattern" text not null, "resolved_pattern" text null, "alert_name" text not null, "severity" text not null default 'major', "enabled" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "monitoring_mail_rule_pkey" primary key ("id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "case_attachment" cascade;`);

    this.addSql(`drop table if exists "case_link" cascade;`);

    this.addSql(`drop table if exists "desk_setting" cascade;`);

    this.addSql(`drop table if exists "mail_inbox" cascade;`);

    this.addSql(`drop table if exists "monitoring_mail_rule" cascade;`);
  }

}
