import { Migration } from '@mikro-orm/migrations';

/** The vSphere adapter's address leases: one row per pool address, so two workers never hand out the same one. */
export class Migration20261206232009_address_lease extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "hypervisor_address_lease" ("adapter" text not null, "address" text not null, "key" text not null, "vm_name" text not null, "leased_at" timestamptz not null default now(), constraint "hypervisor_address_lease_pkey" primary key ("adapter", "address"));`);
    this.addSql(`alter table "hypervisor_address_lease" add constraint "hypervisor_address_lease_key_unique" unique ("key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "hypervisor_address_lease" cascade;`);
  }

}
