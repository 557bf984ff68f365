import { Migration } from '@mikro-orm/migrations';

export class Migration20261126025020_case_search extends Migration {

  override async up(): Promise<void> {
    // Trigram indexes for substring search; pg_trgm is a trusted extension (the database owner may create it).
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`alter table "calendar_settings" alter column "id" type int using ("id"::int);`);
    this.addSql(`create sequence if not exists "calendar_settings_id_seq";`);
    this.addSql(`select setval('calendar_settings_id_seq', (select max("id") from "calendar_settings"));`);
    this.addSql(`alter table "calendar_settings" alter column "id" set default nextval('calendar_settings_id_seq');`);

    this.addSql(`create index "case_record_hostname_trgm" on "case_record" using gin ("hostname" gin_trgm_ops);`);
    this.addSql(`create index "case_record_subject_trgm" on "case_record" using gin ("subject" gin_trgm_ops);`);
    this.addSql(`create index "case_record_number_trgm" on "case_record" using gin ("number" gin_trgm_ops);`);
    this.addSql(`create index "case_record_department_ids_gin" on "case_record" using gin ("department_ids");`);
    this.addSql(`create index "case_record_created_at_index" on "case_record" ("created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "calendar_settings" alter column "id" type int4 using ("id"::int4);`);

    this.addSql(`drop index "case_record_hostname_trgm";`);
    this.addSql(`drop index "case_record_subject_trgm";`);
    this.addSql(`drop index "case_record_number_trgm";`);
    this.addSql(`drop index "case_record_department_ids_gin";`);
    this.addSql(`drop index "case_record_created_at_index";`);
  }

}
