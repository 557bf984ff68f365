import { Migration } from '@mikro-orm/migrations';

/** R-RPT-1..5: daily availability, the monthly reports, their files and settings. */
export class Migration20261206231759_reports extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "monthly_report" ("id" uuid not null, "month" text not null, "revision" int not null, "trigger" text not null, "status" text not null default 'gathering', "workflow_id" text not null, "requested_by" text not null, "figures" jsonb null, "figures_sha256" text null, "comments" jsonb not null, "events" jsonb not null, "generated_at" timestamptz null, "approved_by" text null, "approved_at" timestamptz null, "mail_message_id" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "monthly_report_pkey" primary key ("id"));`);
    this.addSql(`alter table "monthly_report" add constraint "monthly_report_month_revision_unique" unique ("month", "revision");`);

    this.addSql(`create table "monthly_report_file" ("report_id" uuid not null, "stage" text not null, "kind" text not null, "sha256" text not null, "size" int not null, "content" bytea not null, "created_at" timestamptz not null, constraint "monthly_report_file_pkey" primary key ("report_id", "stage", "kind"));`);

    this.addSql(`create table "report_availability_daily" ("day" date not null, "hostname" text not null, "samples" int not null, "failed_samples" int not null, "observed_seconds" double precision not null, "down_seconds" double precision not null, "source" text not null, "gathered_at" timestamptz not null, constraint "report_availability_daily_pkey" primary key ("day", "hostname"));`);

    this.addSql(`create table "report_settings" ("id" int not null default 1,  "departments_see_others" boolean not null default false, "updated_by" text null, "updated_at" timestamptz not null, constraint "report_settings_pkey" primary key ("id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "monthly_report" cascade;`);

    this.addSql(`drop table if exists "monthly_report_file" cascade;`);

    this.addSql(`drop table if exists "report_availability_daily" cascade;`);

    this.addSql(`drop table if exists "report_settings" cascade;`);
  }

}
