import { Migration } from '@mikro-orm/migrations';

/**
 * The alert that opened an incident, on its row (issue 20): the answer to an alert reads from the
 * row whether the alert opened the incident or joined it, instead of asking the workflow (a query
 * through the Temporal server and a worker for every alert). Older incidents keep null; for them
 * the API still asks the workflow.
 */
export class Migration20261207060000_case_opened_by_alert extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "case_record" add column "opened_by_alert_id" uuid null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "case_record" drop column "opened_by_alert_id";`);
  }
}
