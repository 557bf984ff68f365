import { Migration } from '@mikro-orm/migrations';

/** 廃止 (retired) configuration items: kept for the history of their cases, hidden from lists and pickers by default (issue 22). */
export class Migration20261206204741_asset_retired extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "asset" add column "retired_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "asset" drop column "retired_at";`);
  }
}
