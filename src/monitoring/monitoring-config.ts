import { BlockList, isIP } from 'node:net';
import { join, resolve } from 'node:path';

function probeNetworks(env: NodeJS.ProcessEnv): string[] | null {
  const raw = env.MONITORING_PROBE_NETWORKS?.trim();
  if (raw === 'all') return null;
  if (!raw) return env.OPSDESK_MODE === 'embedded' ? LOOPBACK : null;
  const list = raw.split(',').map((c) => c.trim()).filter(Boolean);
  for (const cidr of list) {
    const [base, bits] = cidr.split('/');
    const family = isIP(base);
    const max = family === 4 ? 32 : 128;
    if (!family || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
      throw new Error(`MONITORING_PROBE_NETWORKS: "${cidr}" is not a network (e.g. 127.0.0.0/8, 192.0.2.0/24) or "all"`);
    }
  }
  return list;
}

/** How opsdesk reaches its monitoring stack; from the environment (README, "Monitoring"). */
export interface MonitoringConfig {
  /** PROMETHEUS_URL is set: `npm start` started the stack, or an existing Prometheus is used. */
  enabled: boolean;
  /** Why monitoring is off, said in /health and the log (OPSDESK_MONITORING_OFF: the supervisor's reason). */
  offReason: string | null;
  prometheusUrl: string | null;
  alertmanagerUrl: string | null;
  /** snmp_exporter, reloaded when the SNMP devices change (SNMP_EXPORTER_URL). */
  snmpExporterUrl: string | null;
  /** Where opsdesk writes file_sd targets (`targets/*.json`), rules (`rules/*.yml`) and Alertmanager's token. */
  dir: string;
  /**
   * The fallback: how often the inventory is compared with the target files even when no change
   * was announced (MONITORING_SYNC_INTERVAL_MS, default 60 s). Changes are announced by PostgreSQL
   * (NOTIFY from triggers on the inventory's tables) and synced at once.
   */
  syncIntervalMs: number;
  /** How often the stack's health and the devices' up/down are read from Prometheus (MONITORING_STATE_INTERVAL_MS, default 2 s). */
  stateIntervalMs: number;
  /**
   * Networks whose addresses may be probed (MONITORING_PROBE_NETWORKS, CIDRs, comma-separated);
   * null: every address in the inventory. The embedded demo (whose inventory holds made-up
   * addresses of a platform that is not there) defaults to loopback only, so it never sends a
   * packet off the machine.
   */
  probeNetworks: string[] | null;
}

/** Whether `address` (an IP; a DNS name only when every network is allowed) may be probed. */
export function mayProbe(address: string, networks: string[] | null): boolean {
  if (networks === null) return true;
  const family = isIP(address);
  if (family === 0) return false;
  const list = new BlockList();
  for (const cidr of networks) {
    const [base, bits] = cidr.split('/');
    const baseFamily = isIP(base);
    if (baseFamily === 0) continue;
    list.addSubnet(base, Number(bits ?? (baseFamily === 4 ? 32 : 128)), baseFamily === 4 ? 'ipv4' : 'ipv6');
  }
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const LOOPBACK = ['127.0.0.0/8', '::1/128'];

export function loadMonitoringConfig(env: NodeJS.ProcessEnv, dataDir: string): MonitoringConfig {
  const prometheusUrl = env.PROMETHEUS_URL?.replace(/\/$/, '') || null;
  const ms = (name: string, fallback: number) => {
    const value = Number(env[name] || fallback);
    if (!Number.isInteger(value) || value < 100) throw new Error(`${name} must be a whole number of milliseconds ≥ 100, got "${env[name]}"`);
    return value;
  };
  return {
    enabled: !!prometheusUrl,
    offReason: prometheusUrl ? null : env.OPSDESK_MONITORING_OFF || 'PROMETHEUS_URL is not set (npm start sets it when it runs Prometheus)',
    prometheusUrl,
    alertmanagerUrl: env.ALERTMANAGER_URL?.replace(/\/$/, '') || null,
    snmpExporterUrl: env.SNMP_EXPORTER_URL?.replace(/\/$/, '') || null,
    dir: resolve(env.OPSDESK_MONITORING_DIR ?? join(dataDir, 'monitoring')),
    syncIntervalMs: ms('MONITORING_SYNC_INTERVAL_MS', 60_000),
    stateIntervalMs: ms('MONITORING_STATE_INTERVAL_MS', 2_000),
    probeNetworks: probeNetworks(env),
  };
}
