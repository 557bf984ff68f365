import { Migration } from '@mikro-orm/migrations';

/**
 * What a real hypervisor adapter (vSphere) remembers of its own calls, by operation key: the task
 * it started (so a retry waits for that task instead of starting a second one) and what a finished
 * call did (so a retried delete of a VM that is already gone is success, not "not found").
 * Plain SQL from the adapter; no entity.
 */
export class Migration20261206200000_hypervisor_journal extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "hypervisor_journal" ("key" text not null, "adapter" text not null, "operation" text not null, "target" text not null, "state" text not null, "detail" jsonb not null default '{}', "updated_at" timestamptz not null default now(), constraint "hypervisor_journal_pkey" primary key ("key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "hypervisor_journal";`);
  }
}
