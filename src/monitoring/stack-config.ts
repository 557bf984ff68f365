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

export function renderPrometheusConfig(input: PrometheusConfigInput): string {
  const files = layout(input.dir);
  const interval = `${input.scrapeIntervalSeconds}s`;
  // The inventory's names become `instance`, so every series and alert names the host as opsdesk knows it.
  const instanceFromHostname = { source_labels: ['hostname'], target_label: 'instance' };
  const viaExporter = (address: string) => [
    { source_labels: ['__address__'], target_label: '__param_target' },
    instanceFromHostname,
    { target_label: '__address__', replacement: address },
  ];
  const fileSd = (job: TargetJob) => [{ files: [join(files.targetsDir, `${job}.json`)], refresh_interval: '30s' }];
  const scrapeConfigs: unknown[] = [
    { job_name: 'icmp', metrics_path: '/probe', params: { module: ['icmp'] }, file_sd_configs: fileSd('icmp'), relabel_configs: viaExporter(input.blackboxAddress) },
    { job_name: 'node', file_sd_configs: fileSd('node'), relabel_configs: [instanceFromHostname] },
    { job_name: 'mtail', file_sd_configs: fileSd('mtail'), relabel_configs: [instanceFromHostname] },
  ];
  if (input.snmpExporterAddress) {
    scrapeConfigs.push({ job_name: 'snmp', metrics_path: '/snmp', params: { module: ['if_mib'] }, file_sd_configs: fileSd('snmp'), relabel_configs: viaExporter(input.snmpExporterAddress) });
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
      icmp: { prober: 'icmp', timeout: `${timeoutSeconds}s`, icmp: { preferred_ip_protocol: 'ip4', ip_protocol_fallback: true } },
    },
  }, null, 2) + '\n';
}

export interface AlertmanagerConfigInput {
  dir: string;
  /** opsdesk's alert intake, e.g. http://127.0.0.1:3000/api/alerts */
  webhookUrl: string;
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
