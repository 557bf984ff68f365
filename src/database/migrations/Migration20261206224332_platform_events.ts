import { Migration } from '@mikro-orm/migrations';

/** R-MON-1 and R-RPT-3: the event collector's cursor, opsdesk's own power-off tasks, daily capacity, the simulator's events. */
export class Migration20261206224332_platform_events extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "hypervisor_own_task" ("task" text not null, "adapter" text not null, "key" text not null, "vm" text not null, "action" text not null, "started_at" timestamptz not null default now(), "finished_at" timestamptz null, "vc_started_at" timestamptz null, "vc_finished_at" timestamptz null, constraint "hypervisor_own_task_pkey" primary key ("task"));`);
    this.addSql(`create index "hypervisor_own_task_vm_index" on "hypervisor_own_task" ("vm");`);

    this.addSql(`create table "platform_capacity_daily" ("day" date not null, "adapter" text not null, "cluster" text not null, "kind" text not null, "name" text not null, "cpu_total" int null, "cpu_used" int null, "memory_gib_total" double precision null, "memory_gib_used" double precision null, "disk_gib_total" double precision not null, "disk_gib_used" double precision not null, "vm_count" int null, "peak_cpu_used" int null, "peak_memory_gib_used" double precision null, "peak_disk_gib_used" double precision not null, "samples" int not null default 1, "sampled_at" timestamptz not null, constraint "platform_capacity_daily_pkey" primary key ("day", "adapter", "cluster", "kind", "name"));`);

    this.addSql(`create table "platform_event_cursor" ("adapter" text not null, "cursor" text null, "events_read" bigint not null default 0, "alerts_raised" bigint not null default 0, "holder" text null, "lease_until" timestamptz null, "updated_at" timestamptz not null default now(), constraint "platform_event_cursor_pkey" primary key ("adapter"));`);

    this.addSql(`create table "sim_event" ("id" bigserial primary key, "type" text not null, "entity" text not null, "message" text not null, "status" text null, "by_key" text null, "at" timestamptz not null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "hypervisor_own_task" cascade;`);

    this.addSql(`drop table if exists "platform_capacity_daily" cascade;`);

    this.addSql(`drop table if exists "platform_event_cursor" cascade;`);

    this.addSql(`drop table if exists "sim_event" cascade;`);
  }

}
