import { Migration } from '@mikro-orm/migrations';

/**
 * The case list and its search are index-only walks from the newest end of `case_record_list`,
 * and the open cases sit at that end. An index-only scan must read the row itself on every page
 * the visibility map does not mark all-visible, and one changed row clears its whole page until a
 * vacuum. The earlier thresholds (1 % + 1,000 rows) counted rows, not pages: with 10,000 requests
 * open, 2,000 of them updated at random — still under the threshold — cleared 1,750 pages and made
 * the search read 7,950 rows from the heap, 11.0 ms of PostgreSQL instead of 5.9 (issue 20,
 * docs/performance.md, seventh pass). A fixed 50 changed or inserted rows now starts a vacuum;
 * autovacuum still visits the table at most once per `autovacuum_naptime`, and such a vacuum
 * reads only the pages not yet all-visible.
 */
export class Migration20261208000000_case_record_vacuum_per_page extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "case_record" set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 50, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 50);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "case_record" set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_insert_threshold = 1000);`,
    );
  }
}
