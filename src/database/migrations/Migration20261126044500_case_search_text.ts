import { Migration } from '@mikro-orm/migrations';

/**
 * Case search on one lower-cased column with one trigram index: three ILIKEs over number, subject
 * and hostname case-folded every candidate row three times.
 */
export class Migration20261126044500_case_search_text extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "case_record" add column "search_text" text generated always as (lower("number" || ' ' || "subject" || ' ' || coalesce("hostname", ''))) stored;`);
    this.addSql(`create index "case_record_search_text_trgm" on "case_record" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(`drop index if exists "case_record_number_trgm";`);
    this.addSql(`drop index if exists "case_record_subject_trgm";`);
    this.addSql(`drop index if exists "case_record_hostname_trgm";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "case_record_hostname_trgm" on "case_record" using gin ("hostname" gin_trgm_ops);`);
    this.addSql(`create index "case_record_subject_trgm" on "case_record" using gin ("subject" gin_trgm_ops);`);
    this.addSql(`create index "case_record_number_trgm" on "case_record" using gin ("number" gin_trgm_ops);`);
    this.addSql(`drop index if exists "case_record_search_text_trgm";`);
    this.addSql(`alter table "case_record" drop column "search_text";`);
  }
}
