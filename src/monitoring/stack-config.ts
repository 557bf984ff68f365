/**
 * The monitoring stack's static configuration: prometheus.yml, blackbox.yml, alertmanager.yml.
 * Written as JSON, which YAML parsers read as it is: no value can break out of its quotes.
 * What changes at run time (the scrape targets from the inventory, the rules from the thresholds)
 * lives in files these point at (`targets/*.json`, `rules/*.yml`), written by the API.
 */
import { join } from 'node:path';

export interface StackLayout {
  /** data/monitoring (npm start) or a test's scratch folder. */
  dir: string;
}

export const layout = (dir: string) => ({
  prometheusYml: join(dir, 'prometheus.yml'),
  blackboxYml: join(dir, 'blackbox.yml'),
  alertmanagerYml: join(dir, 'alertmanager.yml'),
  snmpYml: join(dir, 'snmp.yml'),
  targetsDir: join(dir, 'targets'),
  rulesDir: join(dir, 'rules'),
  rulesFile: join(dir, 'rules', 'opsdesk-thresholds.yml'),
  /** The alert-source token Alertmanager sends to opsdesk; written by the API (0600), never in a config file. */
  alertTokenFile: join(dir, 'alert-token'),
  prometheusData: join(dir, 'prometheus-data'),
  alertmanagerData: join(dir, 'alertmanager-data'),
});

/** The scrape jobs opsdesk fills from the inventory, one file_sd file each. */
export const TARGET_JOBS = ['icmp', 'node', 'mtail', 'snmp'] as const;
export type TargetJob = (typeof TARGET_JOBS)[number];

export interface PrometheusConfigInput {
  dir: string;
  scrapeIntervalSeconds: number;
  evaluationIntervalSeconds: number;
  alertmanagerAddress: string;
  blackboxAddress: string;
  snmpExporterAddress?: string;
}

/**
 * How often devices are pinged, and how long a ping may take. A breach must reach opsdesk within
 * the rule's `for:` plus two evaluation intervals (issue 16); before the `for:` starts, the failed
 * ping must be scraped (up to one ping interval after the device went down, plus the probe's
 * timeout) and then evaluated (up to one evaluation interval). Pinging every half evaluation
 * interval, with the timeout inside it, keeps those two under an evaluation interval; the second
 * one is left to Alertmanager and opsdesk.
 */
export function icmpTiming(scrapeIntervalSeconds: number, evaluationIntervalSeconds: number): { intervalMs: number; probeTimeoutSeconds: number } {
  const intervalMs = Math.round(1000 * Math.max(0.5, Math.min(scrapeIntervalSeconds, evaluationIntervalSeconds / 2)));
  // blackbox_exporter answers within the scrape timeout (the interval) minus its offset (BLACKBOX_TIMEOUT_OFFSET_SECONDS).
  const probeTimeoutSeconds = Math.min(5, Math.round(0.8 * intervalMs) / 1000);
  return { intervalMs, probeTimeoutSeconds };
}

/** blackbox_exporter's --timeout-offset: what it keeps of Prometheus's scrape timeout for answering. */
export const BLACKBOX_TIMEOUT_OFFSET_SECONDS = 0.1;

export function renderPrometheusConfig(input: PrometheusConfigInput): string {
  const files = layout(input.dir);
  const interval = `${input.scrapeIntervalSeconds}s`;
  const icmp = `${icmpTiming(input.scrapeIntervalSeconds, input.evaluationIntervalSeconds).intervalMs}ms`;
  // The inventory's names become `instance`, so every series and alert names the host as opsdesk knows it.
  const instanceFromHostname = { source_labels: ['hostname'], target_label: 'instance' };
  const viaExporter = (address: string) => [
    { source_labels: ['__address__'], target_label: '__param_target' },
    instanceFromHostname,
    { target_label: '__address__', replacement: address },
  ];
  const fileSd = (job: TargetJob) => [{ files: [join(files.targetsDir, `${job}.json`)], refresh_interval: '30s' }];
  const scrapeConfigs: unknown[] = [
    {
      job_name: 'icmp', metrics_path: '/probe', params: { module: ['icmp'] }, scrape_interval: icmp, scrape_timeout: icmp,
      file_sd_configs: fileSd('icmp'), relabel_configs: viaExporter(input.blackboxAddress),
    },
    { job_name: 'node', file_sd_configs: fileSd('node'), relabel_configs: [instanceFromHostname] },
    { job_name: 'mtail', file_sd_configs: fileSd('mtail'), relabel_configs: [instanceFromHostname] },
  ];
  // The module (one per device: it carries the device's community) comes with each target as __param_module.
  if (input.snmpExporterAddress) {
    scrapeConfigs.push({ job_name: 'snmp', metrics_path: '/snmp', file_sd_configs: fileSd('snmp'), relabel_configs: viaExporter(input.snmpExporterAddress) });
  }
  return JSON.stringify({
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: `${input.evaluationIntervalSeconds}s` },
    rule_files: [join(files.rulesDir, '*.yml')],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [input.alertmanagerAddress] }] }] },
    scrape_configs: scrapeConfigs,
  }, null, 2) + '\n';
}

export function renderBlackboxConfig(timeoutSeconds: number): string {
  return JSON.stringify({
    modules: {
      icmp: { prober: 'icmp', timeout: `${Math.round(timeoutSeconds * 1000)}ms`, icmp: { preferred_ip_protocol: 'ip4', ip_protocol_fallback: true } },
    },
  }, null, 2) + '\n';
}

export interface AlertmanagerConfigInput {
  dir: string;
  /** opsdesk's alert intake, e.g. http://127.0.0.1:3000/api/alerts */
  webhookUrl: string;
  /** 0 by default: each group is one host's one alert, nothing to wait for; the wait would count against the `for:` + 2 evaluation intervals budget. */
  groupWaitSeconds: number;
  groupIntervalSeconds: number;
  repeatIntervalMinutes: number;
}

/** One receiver: opsdesk's `POST /api/alerts` (Alertmanager webhook v4), with the token from a file. */
export function renderAlertmanagerConfig(input: AlertmanagerConfigInput): string {
  return JSON.stringify({
    route: {
      receiver: 'prometheus',
      group_by: ['alertname', 'hostname'],
      group_wait: `${input.groupWaitSeconds}s`,
      group_interval: `${input.groupIntervalSeconds}s`,
      repeat_interval: `${input.repeatIntervalMinutes}m`,
    },
    receivers: [{
      name: 'prometheus',
      webhook_configs: [{
        url: input.webhookUrl,
        send_resolved: true,
        max_alerts: 100,
        http_config: { authorization: { type: 'Bearer', credentials_file: layout(input.dir).alertTokenFile } },
      }],
    }],
  }, null, 2) + '\n';
}

/** IF-MIB by OID (Debian ships no MIB files): interface names, status, octets, errors, speed. */
const IF_MIB = {
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifDescr: '1.3.6.1.2.1.2.2.1.2',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifInErrors: '1.3.6.1.2.1.2.2.1.14',
  ifOutErrors: '1.3.6.1.2.1.2.2.1.20',
  ifHCInOctets: '1.3.6.1.2.1.31.1.1.1.6',
  ifHCOutOctets: '1.3.6.1.2.1.31.1.1.1.10',
  ifHighSpeed: '1.3.6.1.2.1.31.1.1.1.15',
};

export const snmpModuleName = (assetId: string) => `if_mib_${assetId.replace(/-/g, '')}`;

/**
 * snmp_exporter's snmp.yml: one IF-MIB module per device, since snmp_exporter 0.21 keeps the v2c
 * community in the module. The file holds the opened communities, so it is written 0600 and lives
 * only in the stack's folder; the database keeps them sealed.
 */
export function renderSnmpConfig(devices: Array<{ assetId: string; community: string }>): string {
  const metric = (name: keyof typeof IF_MIB, type: string, help: string) => ({
    name, oid: IF_MIB[name], type, help,
    indexes: [{ labelname: 'ifIndex', type: 'gauge' }],
    lookups: [{ labels: ['ifIndex'], labelname: 'ifName', oid: IF_MIB.ifName, type: 'DisplayString' }],
  });
  const module = (community: string) => ({
    walk: [IF_MIB.ifName, IF_MIB.ifOperStatus, IF_MIB.ifInErrors, IF_MIB.ifOutErrors, IF_MIB.ifHCInOctets, IF_MIB.ifHCOutOctets, IF_MIB.ifHighSpeed],
    metrics: [
      metric('ifOperStatus', 'gauge', 'The current operational state of the interface (1 up, 2 down)'),
      metric('ifInErrors', 'counter', 'Inbound packets with errors'),
      metric('ifOutErrors', 'counter', 'Outbound packets with errors'),
      metric('ifHCInOctets', 'counter', 'Octets received (64-bit)'),
      metric('ifHCOutOctets', 'counter', 'Octets sent (64-bit)'),
      metric('ifHighSpeed', 'gauge', 'Speed in Mbit/s'),
    ],
    version: 2,
    auth: { community },
    timeout: '1s',
    retries: 1,
  });
  const modules: Record<string, unknown> = {};
  for (const d of devices) modules[snmpModuleName(d.assetId)] = module(d.community);
  return JSON.stringify(modules, null, 2) + '\n';
}
