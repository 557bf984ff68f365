import { Migration } from '@mikro-orm/migrations';

/** The vSphere adapter's journal of its own calls by operation key (src/providers/vsphere/journal.entity.ts). */
export class Migration20261206200900_hypervisor_journal extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "hypervisor_journal" ("key" text not null, "adapter" text not null, "operation" text not null, "target" text not null, "state" text not null, "detail" jsonb not null default '{}', "updated_at" timestamptz not null default now(), constraint "hypervisor_journal_pkey" primary key ("key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "hypervisor_journal" cascade;`);
  }

}
