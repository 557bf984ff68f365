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
  /** How often the inventory is compared with the target files (MONITORING_SYNC_INTERVAL_MS). */
  syncIntervalMs: number;
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
  const sync = Number(env.MONITORING_SYNC_INTERVAL_MS ?? 2_000);
  if (!Number.isInteger(sync) || sync < 100) throw new Error(`MONITORING_SYNC_INTERVAL_MS must be a whole number of milliseconds ≥ 100, got "${env.MONITORING_SYNC_INTERVAL_MS}"`);
  return {
    enabled: !!prometheusUrl,
    offReason: prometheusUrl ? null : env.OPSDESK_MONITORING_OFF || 'PROMETHEUS_URL is not set (npm start sets it when it runs Prometheus)',
    prometheusUrl,
    alertmanagerUrl: env.ALERTMANAGER_URL?.replace(/\/$/, '') || null,
    snmpExporterUrl: env.SNMP_EXPORTER_URL?.replace(/\/$/, '') || null,
    dir: resolve(env.OPSDESK_MONITORING_DIR ?? join(dataDir, 'monitoring')),
    syncIntervalMs: sync,
    probeNetworks: probeNetworks(env),
  };
}
