import { Migration } from '@mikro-orm/migrations';

/**
 * Open cases are updated many times (status, SLA, next role) and sit at the newest end of every
 * list index, where each update leaves a dead row version. PostgreSQL's default waits for 20 % of
 * the table to be dead before vacuuming: with years of closed cases that is tens of thousands of
 * versions in exactly the rows every list reads first. 1 % (plus 1,000) keeps the hot end clean.
 */
export class Migration20261126061000_case_autovacuum extends Migration {
  override async up(): Promise<void> {
    for (const table of ['case_record', 'case_task']) {
      this.addSql(`alter table "${table}" set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0.02);`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['case_record', 'case_task']) {
      this.addSql(`alter table "${table}" reset (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor);`);
    }
  }
}
