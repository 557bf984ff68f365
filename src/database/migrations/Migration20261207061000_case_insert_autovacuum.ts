import { Migration } from '@mikro-orm/migrations';

/**
 * New cases are inserted at the newest end of every list index, and the list's capped count is an
 * index-only scan there. An index-only scan must visit the row itself on any page the visibility
 * map does not yet mark all-visible, and only a vacuum marks it. PostgreSQL vacuums after inserts
 * only once 20 % of the table is new: with 100,000 closed cases a burst of 10,000 new requests
 * never got there, and the case list's PostgreSQL time per request went from 3 to 13 ms (bench §5,
 * issue 20). 1 % (plus 1,000) inserted rows now start a vacuum, as 1 % dead rows already do.
 */
export class Migration20261207061000_case_insert_autovacuum extends Migration {
  override async up(): Promise<void> {
    for (const table of ['case_record', 'case_task']) {
      this.addSql(`alter table "${table}" set (autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_insert_threshold = 1000);`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['case_record', 'case_task']) {
      this.addSql(`alter table "${table}" reset (autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold);`);
    }
  }
}
