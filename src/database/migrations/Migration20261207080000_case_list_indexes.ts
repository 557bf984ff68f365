import { Migration } from '@mikro-orm/migrations';

/**
 * The case list with 10,000 requests open (issue 20, bench section 5). Open requests are the
 * newest rows, so every newest-first list walked past all of them first, fetching each wide row
 * only to drop it on its status or kind: a department's finished cases or a host search took
 * 9–15 ms for the page alone. Now:
 * - `case_record_list` carries what the list filters on (kind, status, breached, search text) in
 *   the list's own order, so the page is an index-only scan (the list joins the page's 50 rows by
 *   number) and skipping the open rows reads narrow index entries only;
 * - `case_record_list_by_status` leads with the status, so a list of finished cases starts at the
 *   newest finished one.
 * The department ids stay out of both: a case may name many departments, and a btree entry must stay
 * under 2,704 bytes. `case_record_list` replaces the search-only index and the plain occurred_at
 * index (its leading column serves every period query the same way).
 */
export class Migration20261207080000_case_list_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "case_record_list" on "case_record" ("occurred_at" desc, "number" desc) include ("kind", "status", "breached", "search_text");`);
    this.addSql(`create index "case_record_list_by_status" on "case_record" ("status", "occurred_at" desc, "number" desc) include ("kind", "breached");`);
    this.addSql(`drop index if exists "case_record_list_search";`);
    this.addSql(`drop index if exists "case_record_occurred_at_index";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "case_record_occurred_at_index" on "case_record" ("occurred_at");`);
    this.addSql(`create index "case_record_list_search" on "case_record" ("occurred_at" desc, "number" desc) include ("search_text");`);
    this.addSql(`drop index if exists "case_record_list_by_status";`);
    this.addSql(`drop index if exists "case_record_list";`);
  }
}
