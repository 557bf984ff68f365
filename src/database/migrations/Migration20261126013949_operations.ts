import { Migration } from '@mikro-orm/migrations';

export class Migration20261126013949_operations extends Migration {

  override async up(): Promise<void> {

    this.addSql(`create table "backup_policy" ("id" uuid not null, "target_kind" text not null, "target_name" text not null, "cron" text not null, "timezone" text not null default 'Asia/Tokyo', "retention_days" int not null, "schedule_id" text not null, "active" boolean not null default true, "configured_by" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "backup_policy_pkey" primary key ("id"));`);
    this.addSql(`alter table "backup_policy" add constraint "backup_policy_target_kind_target_name_unique" unique ("target_kind", "target_name");`);

    this.addSql(`create table "backup_record" ("id" uuid not null, "key" text not null, "target_kind" text not null, "target_name" text not null, "reason" text not null, "status" text not null default 'running', "file" text not null, "size_bytes" bigint null, "sha256" text null, "contents" jsonb null, "retention_days" int not null, "expires_at" timestamptz null, "requested_by" text not null, "case_number" text null, "started_at" timestamptz not null, "finished_at" timestamptz null, "error" text null, "pruned_at" timestamptz null, "failure_notified_at" timestamptz null, constraint "backup_record_pkey" primary key ("id"));`);
    this.addSql(`alter table "backup_record" add constraint "backup_record_key_unique" unique ("key");`);
    this.addSql(`create index "backup_record_target_kind_target_name_started_at_index" on "backup_record" ("target_kind", "target_name", "started_at");`);

    this.addSql(`create table "operation_run" ("key" text not null, "case_id" uuid null, "case_number" text null, "type" text not null, "params" jsonb not null, "status" text not null default 'running', "attempts" int not null default 1, "created" jsonb not null, "result" jsonb null, "error" text null, "compensation" jsonb null, "started_at" timestamptz not null, "updated_at" timestamptz not null, "finished_at" timestamptz null, constraint "operation_run_pkey" primary key ("key"));`);
    this.addSql(`create index "operation_run_case_id_index" on "operation_run" ("case_id");`);

    this.addSql(`create table "operation_secret" ("id" uuid not null, "key" text not null, "case_id" uuid not null, "department_id" uuid null, "kind" text not null, "sealed" text null, "available_at" timestamptz null, "created_at" timestamptz not null, "read_at" timestamptz null, "read_by" text null, constraint "operation_secret_pkey" primary key ("id"));`);
    this.addSql(`alter table "operation_secret" add constraint "operation_secret_key_unique" unique ("key");`);
    this.addSql(`create index "operation_secret_case_id_index" on "operation_secret" ("case_id");`);

    this.addSql(`create table "sim_address" ("address" text not null, "seq" int not null, "vm_id" uuid null, constraint "sim_address_pkey" primary key ("address"));`);
    this.addSql(`alter table "sim_address" add constraint "sim_address_seq_unique" unique ("seq");`);
    this.addSql(`create index "sim_address_vm_id_index" on "sim_address" ("vm_id");`);

    this.addSql(`create table "sim_fault" ("id" uuid not null, "operation" text not null, "phase" text null, "target" text null, "kind" text not null, "remaining" int not null default 1, "fired_count" int not null default 0, "message" text not null default 'simulated fault', "created_at" timestamptz not null, constraint "sim_fault_pkey" primary key ("id"));`);

    this.addSql(`create table "sim_host" ("id" uuid not null, "name" text not null, "cpu_total" int not null, "memory_gib_total" int not null, "disk_gib_total" int not null, "state" text not null default 'online', "created_at" timestamptz not null, constraint "sim_host_pkey" primary key ("id"));`);
    this.addSql(`alter table "sim_host" add constraint "sim_host_name_unique" unique ("name");`);

    this.addSql(`create table "sim_snapshot" ("id" uuid not null, "vm_id" uuid not null, "vm_name" text not null, "name" text not null, "created_by_key" text null, "state" jsonb not null, "created_at" timestamptz not null, constraint "sim_snapshot_pkey" primary key ("id"));`);
    this.addSql(`create index "sim_snapshot_vm_id_index" on "sim_snapshot" ("vm_id");`);
    this.addSql(`alter table "sim_snapshot" add constraint "sim_snapshot_created_by_key_unique" unique ("created_by_key");`);

    this.addSql(`create table "sim_task" ("id" uuid not null, "key" text not null, "operation" text not null, "target" text not null, "state" text not null default 'running', "attempts" int not null default 1, "error" text null, "result" jsonb null, "started_at" timestamptz not null, "finished_at" timestamptz null, constraint "sim_task_pkey" primary key ("id"));`);
    this.addSql(`alter table "sim_task" add constraint "sim_task_key_unique" unique ("key");`);
    this.addSql(`create index "sim_task_target_started_at_index" on "sim_task" ("target", "started_at");`);

    this.addSql(`create table "sim_vm" ("id" uuid not null, "name" text not null, "host_id" uuid not null, "cpu" int not null, "memory_gib" int not null, "disk_gib" int not null, "os" text not null, "business_system" text null, "address" text null, "power" text not null default 'off', "state" text not null default 'creating', "phase" text not null default 'allocate', "created_by_key" text null, "disk_seed" text not null, "disk_generation" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "sim_vm_pkey" primary key ("id"));`);
    this.addSql(`alter table "sim_vm" add constraint "sim_vm_name_unique" unique ("name");`);
    this.addSql(`create index "sim_vm_host_id_index" on "sim_vm" ("host_id");`);
    this.addSql(`alter table "sim_vm" add constraint "sim_vm_address_unique" unique ("address");`);
    this.addSql(`alter table "sim_vm" add constraint "sim_vm_created_by_key_unique" unique ("created_by_key");`);

    this.addSql(`alter table "case_record" add column "results" jsonb null;`);
  }

  override async down(): Promise<void> {

    this.addSql(`drop table if exists "backup_policy" cascade;`);

    this.addSql(`drop table if exists "backup_record" cascade;`);

    this.addSql(`drop table if exists "operation_run" cascade;`);

    this.addSql(`drop table if exists "operation_secret" cascade;`);

    this.addSql(`drop table if exists "sim_address" cascade;`);

    this.addSql(`drop table if exists "sim_fault" cascade;`);

    this.addSql(`drop table if exists "sim_host" cascade;`);

    this.addSql(`drop table if exists "sim_snapshot" cascade;`);

    this.addSql(`drop table if exists "sim_task" cascade;`);

    this.addSql(`drop table if exists "sim_vm" cascade;`);

    this.addSql(`alter table "case_record" drop column "results";`);
  }

}
