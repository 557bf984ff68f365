import { Migration } from '@mikro-orm/migrations';

/** What the scrape targets and rules are made from: devices, their departments (labels), monitoring settings, thresholds. */
const INVENTORY_TABLES = ['asset', 'asset_departments', 'department', 'monitoring_device', 'monitoring_threshold'];

/**
 * Issue 16: R-MON-1 hypervisor events judged by thresholds like every other breach (new threshold
 * kinds, with defaults that keep what the platform watch raised before), and the inventory's
 * tables announcing their changes (NOTIFY opsdesk_inventory) so the scrape targets follow an edit
 * at once instead of a poll re-reading the inventory every few seconds.
 */
export class Migration20261207014423_monitoring_events extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "monitoring_threshold" drop constraint if exists "monitoring_threshold_kind_check";`);

    this.addSql(`alter table "monitoring_threshold" add constraint "monitoring_threshold_kind_check" check("kind" in ('ping_down', 'rtt_ms', 'cpu_percent', 'memory_percent', 'disk_percent', 'disk_days_until_full', 'service_down', 'error_lines_5m', 'traffic_bps', 'traffic_percent', 'hypervisor_host_down', 'vm_powered_off', 'hypervisor_ha_event', 'hypervisor_alarm', 'datastore_percent'));`);

    // The defaults: what the platform watch raised before thresholds judged its events.
    const defaults: Array<[string, string[], number, string]> = [
      ['hypervisor_host_down', ['hypervisor_host'], 0, 'critical'],
      ['vm_powered_off', ['vm', 'database_server', 'backup_server'], 0, 'major'],
      ['hypervisor_ha_event', ['hypervisor_host'], 0, 'major'],
      // 1: yellow and red alarms (a red one critical, a yellow one at most warning).
      ['hypervisor_alarm', ['hypervisor_host', 'switch', 'storage', 'firewall', 'vm', 'database_server', 'backup_server'], 1, 'critical'],
      ['datastore_percent', ['storage'], 85, 'warning'],
    ];
    for (const [kind, classes, value, severity] of defaults) {
      for (const assetKind of classes) {
        this.addSql(`with t as (insert into "monitoring_threshold" ("id", "kind", "asset_kind", "value", "for_seconds", "severity", "created_at", "updated_at", "updated_by")
          values (gen_random_uuid(), '${kind}', '${assetKind}', ${value}, 0, '${severity}', now(), now(), 'system') on conflict do nothing returning *)
          insert into "monitoring_threshold_version" ("id", "threshold_id", "version", "change", "snapshot", "at", "by")
          select gen_random_uuid(), t.id, 1, 'created', jsonb_build_object('kind', t.kind, 'assetKind', t.asset_kind, 'assetId', t.asset_id, 'value', t.value, 'forSeconds', t.for_seconds, 'severity', t.severity, 'service', t.service, 'enabled', t.enabled, 'version', t.version), now(), 'system' from t;`);
      }
    }

    // One announcement per statement, delivered at commit (and merged within a transaction).
    this.addSql(`create or replace function "opsdesk_notify_inventory"() returns trigger language plpgsql as $$ begin perform pg_notify('opsdesk_inventory', tg_table_name); return null; end $$;`);
    for (const table of INVENTORY_TABLES) {
      this.addSql(`create trigger "${table}_notify_inventory" after insert or update or delete or truncate on "${table}" for each statement execute function "opsdesk_notify_inventory"();`);
    }
  }

  override async down(): Promise<void> {
    for (const table of INVENTORY_TABLES) this.addSql(`drop trigger if exists "${table}_notify_inventory" on "${table}";`);
    this.addSql(`drop function if exists "opsdesk_notify_inventory"();`);
    this.addSql(`delete from "monitoring_threshold" where "kind" in ('hypervisor_host_down', 'vm_powered_off', 'hypervisor_ha_event', 'hypervisor_alarm', 'datastore_percent');`);
    this.addSql(`alter table "monitoring_threshold" drop constraint if exists "monitoring_threshold_kind_check";`);

    this.addSql(`alter table "monitoring_threshold" add constraint "monitoring_threshold_kind_check" check("kind" in ('ping_down', 'rtt_ms', 'cpu_percent', 'memory_percent', 'disk_percent', 'disk_days_until_full', 'service_down', 'error_lines_5m', 'traffic_bps', 'traffic_percent'));`);
  }

}
