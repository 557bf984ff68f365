import { Migration } from '@mikro-orm/migrations';

/** Issue 16: monitoring thresholds as data (per device class, per-device overrides; every version kept), the defaults every platform starts with, and how each device's agents are reached. */
export class Migration20261206225908_monitoring extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "monitoring_device" ("asset_id" uuid not null, "node_exporter_port" int null, "mtail_port" int null, "snmp_port" int null, "snmp_community_sealed" text null, "updated_at" timestamptz not null, "updated_by" text not null, constraint "monitoring_device_pkey" primary key ("asset_id"));`);

    this.addSql(`create table "monitoring_threshold" ("id" uuid not null, "kind" text check ("kind" in ('ping_down', 'rtt_ms', 'cpu_percent', 'memory_percent', 'disk_percent', 'disk_days_until_full', 'service_down', 'error_lines_5m', 'traffic_bps', 'traffic_percent')) not null, "asset_kind" text check ("asset_kind" in ('hypervisor_host', 'switch', 'storage', 'firewall', 'vm', 'database_server', 'backup_server')) null, "asset_id" uuid null, "value" double precision not null, "for_seconds" int not null default 60, "severity" text check ("severity" in ('critical', 'major', 'minor', 'warning', 'info')) not null, "service" text null, "enabled" boolean not null default true, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "updated_by" text not null, constraint "monitoring_threshold_pkey" primary key ("id"), constraint monitoring_threshold_scope_check check ((asset_kind IS NULL) <> (asset_id IS NULL)));`);
    this.addSql(`create index "monitoring_threshold_asset_id_index" on "monitoring_threshold" ("asset_id");`);
    this.addSql(`create unique index "monitoring_threshold_device_unique" on "monitoring_threshold" ("kind", "asset_id", coalesce("service", '')) where "asset_id" is not null;`);
    this.addSql(`create unique index "monitoring_threshold_class_unique" on "monitoring_threshold" ("kind", "asset_kind", coalesce("service", '')) where "asset_kind" is not null;`);

    this.addSql(`create table "monitoring_threshold_version" ("id" uuid not null, "threshold_id" uuid not null, "version" int not null, "change" text not null, "snapshot" jsonb not null, "at" timestamptz not null, "by" text not null, constraint "monitoring_threshold_version_pkey" primary key ("id"));`);
    this.addSql(`create index "monitoring_threshold_version_threshold_id_index" on "monitoring_threshold_version" ("threshold_id");`);

    // The defaults: every device is pinged; servers' resources and links' load are watched.
    const everyClass = ['hypervisor_host', 'switch', 'storage', 'firewall', 'vm', 'database_server', 'backup_server'];
    const servers = ['vm', 'database_server', 'backup_server'];
    const defaults: Array<[string, string[], number, number, string]> = [
      ['ping_down', everyClass, 60, 0, 'critical'],
      ['rtt_ms', everyClass, 200, 120, 'warning'],
      ['cpu_percent', servers, 90, 300, 'major'],
      ['memory_percent', servers, 90, 300, 'major'],
      ['disk_percent', servers, 90, 300, 'major'],
      ['disk_days_until_full', servers, 7, 3600, 'warning'],
      ['error_lines_5m', servers, 10, 0, 'warning'],
      ['traffic_percent', ['switch', 'firewall'], 80, 300, 'warning'],
    ];
    for (const [kind, classes, value, forSeconds, severity] of defaults) {
      for (const assetKind of classes) {
        this.addSql(`with t as (insert into "monitoring_threshold" ("id", "kind", "asset_kind", "value", "for_seconds", "severity", "created_at", "updated_at", "updated_by")
          values (gen_random_uuid(), '${kind}', '${assetKind}', ${value}, ${forSeconds}, '${severity}', now(), now(), 'system') returning *)
          insert into "monitoring_threshold_version" ("id", "threshold_id", "version", "change", "snapshot", "at", "by")
          select gen_random_uuid(), t.id, 1, 'created', jsonb_build_object('kind', t.kind, 'assetKind', t.asset_kind, 'assetId', t.asset_id, 'value', t.value, 'forSeconds', t.for_seconds, 'severity', t.severity, 'service', t.service, 'enabled', t.enabled, 'version', t.version), now(), 'system' from t;`);
      }
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "monitoring_device" cascade;`);

    this.addSql(`drop table if exists "monitoring_threshold" cascade;`);

    this.addSql(`drop table if exists "monitoring_threshold_version" cascade;`);
  }

}
