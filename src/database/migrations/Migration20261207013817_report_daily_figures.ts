import { Migration } from '@mikro-orm/migrations';

/** R-RPT-1, R-RPT-3, R-RPT-4: VM resource use, traffic per link and storage use, one row per Japan day. */
export class Migration20261207013817_report_daily_figures extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "report_storage_daily" ("day" date not null, "store" text not null, "item" text not null, "used_bytes" double precision not null, "total_bytes" double precision null, "source" text not null, "gathered_at" timestamptz not null, constraint "report_storage_daily_pkey" primary key ("day", "store", "item"));`);

    this.addSql(`create table "report_traffic_daily" ("day" date not null, "hostname" text not null, "interface" text not null, "in_octets" double precision not null, "out_octets" double precision not null, "source" text not null, "gathered_at" timestamptz not null, constraint "report_traffic_daily_pkey" primary key ("day", "hostname", "interface"));`);

    this.addSql(`create table "report_vm_resource_daily" ("day" date not null, "hostname" text not null, "metric" text not null, "average_percent" double precision not null, "peak_percent" double precision not null, "samples" int not null, "source" text not null, "gathered_at" timestamptz not null, constraint "report_vm_resource_daily_pkey" primary key ("day", "hostname", "metric"));`);

  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "report_storage_daily" cascade;`);

    this.addSql(`drop table if exists "report_traffic_daily" cascade;`);

    this.addSql(`drop table if exists "report_vm_resource_daily" cascade;`);
  }

}
