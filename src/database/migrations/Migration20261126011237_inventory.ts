import { Migration } from '@mikro-orm/migrations';

export class Migration20261126011237_inventory extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "alert_source" ("id" uuid not null, "name" text not null, "token_hash" text not null, "created_at" timestamptz not null, "created_by" text not null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, constraint "alert_source_pkey" primary key ("id"));`);
    this.addSql(`alter table "alert_source" add constraint "alert_source_name_unique" unique ("name");`);
    this.addSql(`alter table "alert_source" add constraint "alert_source_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "asset" ("id" uuid not null, "hostname" text not null, "kind" text check ("kind" in ('hypervisor_host', 'switch', 'storage', 'firewall', 'vm', 'database_server', 'backup_server')) not null, "address" text null, "sub_platform" text check ("sub_platform" in ('virtualization', 'database', 'backup')) not null, "business_systems" text[] not null, "vendor_desk" jsonb null, "protected" boolean not null default false, "notes" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "asset_pkey" primary key ("id"));`);
    this.addSql(`alter table "asset" add constraint "asset_hostname_unique" unique ("hostname");`);

    this.addSql(`create table "asset_departments" ("asset_id" uuid not null, "department_id" uuid not null, constraint "asset_departments_pkey" primary key ("asset_id", "department_id"));`);

    this.addSql(`alter table "asset_departments" add constraint "asset_departments_asset_id_foreign" foreign key ("asset_id") references "asset" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "asset_departments" add constraint "asset_departments_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "asset_departments" drop constraint "asset_departments_asset_id_foreign";`);

    this.addSql(`drop table if exists "alert_source" cascade;`);

    this.addSql(`drop table if exists "asset" cascade;`);

    this.addSql(`drop table if exists "asset_departments" cascade;`);
  }

}
