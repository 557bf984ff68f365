import { Migration } from '@mikro-orm/migrations';

/**
 * The durable inboxes (alert_inbox, mail_inbox) announce inserted rows on the channel
 * `opsdesk_inbox` (payload: the table), whoever inserts them: the API processes' dispatchers
 * (src/database/inbox-dispatcher.ts) are woken at once instead of polling every second.
 * The notification is sent at commit, so a woken dispatcher always finds the rows.
 */
export class Migration20261207013000_inbox_notify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function "opsdesk_inbox_notify"() returns trigger language plpgsql as $$ begin perform pg_notify('opsdesk_inbox', TG_TABLE_NAME); return null; end $$;`);
    this.addSql(`create trigger "alert_inbox_notify" after insert on "alert_inbox" for each statement execute function "opsdesk_inbox_notify"();`);
    this.addSql(`create trigger "mail_inbox_notify" after insert on "mail_inbox" for each statement execute function "opsdesk_inbox_notify"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "mail_inbox_notify" on "mail_inbox";`);
    this.addSql(`drop trigger if exists "alert_inbox_notify" on "alert_inbox";`);
    this.addSql(`drop function if exists "opsdesk_inbox_notify"();`);
  }
}
