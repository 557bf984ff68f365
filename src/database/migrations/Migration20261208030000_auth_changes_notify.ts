import { Migration } from '@mikro-orm/migrations';

/** What a signed-in request's actor is read from, and the columns of each that it reads. */
const WATCHED: Array<{ table: string; columns: string[] }> = [
  { table: 'auth_token', columns: ['token_hash', 'user_id', 'expires_at', 'revoked_at'] },
  { table: 'app_user', columns: ['username', 'display_name', 'email', 'roles', 'department_id', 'disabled'] },
  { table: 'department', columns: ['code'] },
];

/**
 * Issue 20: the API remembers who a bearer token belongs to (src/identity/session-cache.ts) and
 * trusts that only while PostgreSQL announces every change that could alter the answer, by
 * whichever process or statement made it: an update of a column the actor is read from, a
 * delete, a truncate. Sign-ins (inserts) and the bookkeeping of failed logins announce nothing, so
 * they do not make every API process forget its sessions. NOTIFY is delivered at commit and
 * merged within a transaction.
 */
export class Migration20261208030000_auth_changes_notify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function "opsdesk_notify_auth"() returns trigger language plpgsql as $$ begin perform pg_notify('opsdesk_auth', tg_table_name); return null; end $$;`);
    for (const { table, columns } of WATCHED) {
      const changed = columns.map((column) => `old."${column}" is distinct from new."${column}"`).join(' or ');
      this.addSql(`create trigger "${table}_notify_auth_update" after update on "${table}" for each row when (${changed}) execute function "opsdesk_notify_auth"();`);
      this.addSql(`create trigger "${table}_notify_auth_delete" after delete or truncate on "${table}" for each statement execute function "opsdesk_notify_auth"();`);
    }
  }

  override async down(): Promise<void> {
    for (const { table } of WATCHED) {
      this.addSql(`drop trigger if exists "${table}_notify_auth_update" on "${table}";`);
      this.addSql(`drop trigger if exists "${table}_notify_auth_delete" on "${table}";`);
    }
    this.addSql(`drop function if exists "opsdesk_notify_auth"();`);
  }
}
