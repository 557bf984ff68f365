import { Migration } from '@mikro-orm/migrations';

/**
 * The case list's search, counted from a narrow index (issue 20). A search counts its matches up
 * to LIST_COUNT_CAP + 1; for a common host name the trigram index hands back thousands of
 * candidates that PostgreSQL then rechecks in the wide case_record rows (8–35 ms at 100,000
 * cases). With the search text in a btree on the list's order (occurred_at, number), the count
 * is an index-only scan over about 15,000 narrow entries (about 3 ms), and the page can walk the
 * same order. A btree entry must stay under 2,704 bytes, so the search text keeps its first 600
 * characters (an API subject is at most 200, a host name 253): what lies beyond is not searched.
 */
export class Migration20261207020000_case_list_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists "case_record_search_text_trgm";`);
    this.addSql(`alter table "case_record" drop column "search_text";`);
    this.addSql(`alter table "case_record" add column "search_text" text generated always as (left(lower("number" || ' ' || "subject" || ' ' || coalesce("hostname", '')), 600)) stored;`);
    this.addSql(`create index "case_record_search_text_trgm" on "case_record" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(`create index "case_record_list_search" on "case_record" ("occurred_at" desc, "number" desc) include ("search_text");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "case_record_list_search";`);
    this.addSql(`drop index if exists "case_record_search_text_trgm";`);
    this.addSql(`alter table "case_record" drop column "search_text";`);
    this.addSql(`alter table "case_record" add column "search_text" text generated always as (lower("number" || ' ' || "subject" || ' ' || coalesce("hostname", ''))) stored;`);
    this.addSql(`create index "case_record_search_text_trgm" on "case_record" using gin ("search_text" gin_trgm_ops);`);
  }
}
