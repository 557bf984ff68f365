import { Migration } from '@mikro-orm/migrations';

export class Migration20261126005830 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "calendar_settings" ("id" serial primary key, "open_minutes" int not null default 510, "close_minutes" int not null default 1035, "closing_period_from" text null default '12-29', "closing_period_to" text null default '01-03', "updated_at" timestamptz not null, "updated_by" text null);`);

    this.addSql(`create table "calendar_closing_day" ("date" text not null, "name_ja" text not null, "name_en" text not null, "created_by" text null, "created_at" timestamptz not null, constraint "calendar_closing_day_pkey" primary key ("date"));`);

    this.addSql(`create table "department" ("id" uuid not null, "code" text not null, "name_ja" text not null, "name_en" text not null, "email" text not null, "created_at" timestamptz not null, constraint "department_pkey" primary key ("id"));`);
    this.addSql(`alter table "department" add constraint "department_code_unique" unique ("code");`);

    this.addSql(`create table "app_user" ("id" uuid not null, "username" text not null, "display_name" text not null, "email" text not null, "roles" text[] not null, "department_id" uuid null, "password_hash" text not null, "disabled" boolean not null default false, "failed_logins" int not null default 0, "locked_until" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_username_unique" unique ("username");`);

    this.addSql(`create table "auth_token" ("id" uuid not null, "token_hash" text not null, "user_id" uuid not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, constraint "auth_token_pkey" primary key ("id"));`);
    this.addSql(`alter table "auth_token" add constraint "auth_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(`alter table "app_user" add constraint "app_user_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "auth_token" add constraint "auth_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
  }

}
