import { Migration } from '@mikro-orm/migrations';

export class Migration20261126011311_cases extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "case_number_sequence" ("prefix" text not null, "year" int not null, "last" int not null default 0, constraint "case_number_sequence_pkey" primary key ("prefix", "year"));`);

    this.addSql(`create table "case_record" ("id" uuid not null, "number" text not null, "kind" text not null, "workflow_id" text not null, "run_id" text not null, "subject" text not null, "assignee" text null, "assignee_username" text null, "occurred_at" timestamptz not null, "status" text not null default 'received', "resolution" text null, "impact" jsonb not null, "work_plan" jsonb null, "approver" text null, "completed_at" timestamptz null, "severity" text null, "hostname" text null, "unregistered_device" boolean not null default false, "alert_count" int not null default 0, "department_ids" text[] not null, "requester_id" uuid null, "request_type" text null, "params" jsonb null, "description" text null, "sla" jsonb null, "breached" boolean not null default false, "due_at" timestamptz null, "next_role" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "case_record_pkey" primary key ("id"));`);
    this.addSql(`alter table "case_record" add constraint "case_record_number_unique" unique ("number");`);
    this.addSql(`alter table "case_record" add constraint "case_record_run_id_unique" unique ("run_id");`);
    this.addSql(`create index "case_record_kind_status_created_at_index" on "case_record" ("kind", "status", "created_at");`);

    this.addSql(`create table "case_task" ("id" text not null, "case_id" uuid not null, "case_number" text not null, "workflow_id" text not null, "type" text not null, "assignee_role" text not null, "department_id" uuid null, "state" text not null default 'open', "allowed_outcomes" text[] not null, "due_at" timestamptz null, "suggested" jsonb null, "created_at" timestamptz not null, "completed_at" timestamptz null, "completed_by" text null, "completed_by_username" text null, "outcome" text null, "note" text null, "data" jsonb null, constraint "case_task_pkey" primary key ("id"));`);
    this.addSql(`create index "case_task_case_id_index" on "case_task" ("case_id");`);
    this.addSql(`create index "case_task_state_assignee_role_index" on "case_task" ("state", "assignee_role");`);

    this.addSql(`create table "sent_mail" ("key" text not null, "case_id" uuid null, "template" text not null, "message_id" text not null, "subject" text not null, "recipients" text[] not null, "cc" text[] not null, "sent_at" timestamptz not null, constraint "sent_mail_pkey" primary key ("key"));`);
    this.addSql(`create index "sent_mail_case_id_index" on "sent_mail" ("case_id");`);

    this.addSql(`create table "case_timeline" ("id" uuid not null, "case_id" uuid not null, "key" text not null, "at" timestamptz not null, "kind" text not null, "actor" text null, "actor_username" text null, "message_ja" text not null, "message_en" text not null, "data" jsonb null, constraint "case_timeline_pkey" primary key ("id"));`);
    this.addSql(`alter table "case_timeline" add constraint "case_timeline_key_unique" unique ("key");`);
    this.addSql(`create index "case_timeline_case_id_at_index" on "case_timeline" ("case_id", "at");`);

    this.addSql(`alter table "calendar_settings" alter column "id" type int using ("id"::int);`);
    this.addSql(`alter table "calendar_settings" alter column "id" set default 1;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "case_number_sequence" cascade;`);

    this.addSql(`drop table if exists "case_record" cascade;`);

    this.addSql(`drop table if exists "case_task" cascade;`);

    this.addSql(`drop table if exists "sent_mail" cascade;`);

    this.addSql(`drop table if exists "case_timeline" cascade;`);

    this.addSql(`alter table "calendar_settings" alter column "id" drop default;`);
    this.addSql(`alter table "calendar_settings" alter column "id" type int4 using ("id"::int4);`);
  }

}
