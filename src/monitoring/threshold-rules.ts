/**
 * Thresholds as data (R-MON-1..3 "preset thresholds"): a kind and numbers, never PromQL. This file
 * turns them into a Prometheus rule file. Pure: no I/O. Everything interpolated into PromQL is a
 * finite number, an asset kind from the fixed list, a host name that passed the inventory's
 * pattern (letters, digits, hyphens, dots) or a service name of [A-Za-z0-9@._:-]: nothing a user
 * types can change what a rule means.
 */
import { ASSET_KINDS, type AssetKind } from '../inventory/asset.entity';

/** Thresholds Prometheus evaluates: rendered into its rule file. */
export const RULE_KINDS = [
  'ping_down', 'rtt_ms', 'cpu_percent', 'memory_percent', 'disk_percent', 'disk_days_until_full',
  'service_down', 'error_lines_5m', 'traffic_bps', 'traffic_percent',
] as const;
/**
 * R-MON-1 hypervisor events (host down, a VM powered off unexpectedly, HA, the hypervisor's
 * alarms, a datastore filling): they arrive through the hypervisor port, not from Prometheus, and
 * the platform watch judges each against these thresholds (event-thresholds.ts) before it becomes
 * an alert: same data, same API and page, same versions and audit log.
 */
export const EVENT_KINDS = ['hypervisor_host_down', 'vm_powered_off', 'hypervisor_ha_event', 'hypervisor_alarm', 'datastore_percent'] as const;
export const THRESHOLD_KINDS = [...RULE_KINDS, ...EVENT_KINDS] as const;
export type ThresholdKind = (typeof THRESHOLD_KINDS)[number];
export type EventThresholdKind = (typeof EVENT_KINDS)[number];
export const isEventKind = (kind: string): kind is EventThresholdKind => (EVENT_KINDS as readonly string[]).includes(kind);

export const THRESHOLD_SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'] as const;
export type ThresholdSeverity = (typeof THRESHOLD_SEVERITIES)[number];

export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9@._:-]{1,200}$/;
const HOSTNAME_PATTERN = /^[a-z0-9.-]{1,253}$/;

interface KindSpec {
  alertName: string;
  ja: string;
  en: string;
  unitJa: string;
  /** Allowed range of the number. */
  min: number;
  max: number;
  /** ping_down: the number is the seconds without answer, i.e. the rule's `for:`. */
  valueIsDuration?: boolean;
  needsService?: boolean;
  /** Judged by the platform watch on hypervisor events, never rendered as a Prometheus rule. */
  event?: boolean;
  /** The number must be whole (seconds, an alarm level). */
  whole?: boolean;
  /** How `$value` reads in the notice. */
  valueText: string;
  expr(sel: string, value: number, service?: string): string;
}

const noRule = (): string => {
  throw new Error('a hypervisor event threshold has no Prometheus rule');
};

const FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|devtmpfs"';
const num = (value: number) => String(value);

export const KIND_SPECS: Readonly<Record<ThresholdKind, KindSpec>> = {
  ping_down: {
    alertName: 'PingDown', ja: 'Ping 応答なし', en: 'No ping answer', unitJa: '秒', min: 1, max: 86_400, valueIsDuration: true,
    valueText: '応答なし (probe_success = {{ $value }})',
    expr: (sel) => `probe_success{job="icmp"${sel}} == 0`,
  },
  rtt_ms: {
    alertName: 'PingRttHigh', ja: 'Ping 応答時間', en: 'Ping round trip', unitJa: 'ms', min: 0.01, max: 60_000,
    valueText: '{{ printf "%.2f" $value }} ms',
    expr: (sel, v) => `probe_icmp_duration_seconds{job="icmp",phase="rtt"${sel}} * 1000 > ${num(v)}`,
  },
  cpu_percent: {
    alertName: 'CpuHigh', ja: 'CPU 使用率', en: 'CPU use', unitJa: '%', min: 0, max: 100,
    valueText: '{{ printf "%.1f" $value }} %',
    expr: (sel, v) => `100 * (1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{job="node",mode="idle"${sel}}[2m]))) > ${num(v)}`,
  },
  memory_percent: {
    alertName: 'MemoryHigh', ja: 'メモリ使用率', en: 'Memory use', unitJa: '%', min: 0, max: 100,
    valueText: '{{ printf "%.1f" $value }} %',
    expr: (sel, v) => `100 * (1 - node_memory_MemAvailable_bytes{job="node"${sel}} / node_memory_MemTotal_bytes{job="node"${sel}}) > ${num(v)}`,
  },
  disk_percent: {
    alertName: 'DiskFull', ja: 'ディスク使用率', en: 'Disk use', unitJa: '%', min: 0, max: 100,
    valueText: '{{ printf "%.1f" $value }} %',
    expr: (sel, v) => `100 * (1 - node_filesystem_avail_bytes{job="node",${FS}${sel}} / node_filesystem_size_bytes{job="node",${FS}${sel}}) > ${num(v)}`,
  },
  disk_days_until_full: {
    alertName: 'DiskFillingUp', ja: 'ディスク満杯までの日数', en: 'Days until the disk is full', unitJa: '日', min: 0.01, max: 3_650,
    valueText: 'あと {{ printf "%.1f" $value }} 日',
    expr: (sel, v) =>
      `node_filesystem_avail_bytes{job="node",${FS}${sel}} / clamp_min(-deriv(node_filesystem_avail_bytes{job="node",${FS}${sel}}[6h]), 1e-9) / 86400 < ${num(v)}`,
  },
  service_down: {
    alertName: 'ServiceDown', ja: 'サービス停止', en: 'Service down', unitJa: '', min: 0, max: 0, needsService: true,
    valueText: '停止 (active = {{ $value }})',
    expr: (sel, _v, service) => `node_systemd_unit_state{job="node",name="${service}",state="active"${sel}} == 0`,
  },
  error_lines_5m: {
    alertName: 'ErrorLogLines', ja: 'エラーログ行数（5 分間）', en: 'Error log lines per 5 minutes', unitJa: '行', min: 0, max: 1_000_000_000,
    valueText: '{{ printf "%.0f" $value }} 行 / 5 分',
    expr: (sel, v) => `sum without (prog, path) (increase(opsdesk_error_lines_total{job="mtail"${sel}}[5m])) > ${num(v)}`,
  },
  traffic_bps: {
    alertName: 'TrafficHigh', ja: 'インターフェース通信量', en: 'Interface traffic', unitJa: 'bps', min: 0, max: 1e13,
    valueText: '{{ humanize $value }}bps',
    expr: (sel, v) => `(rate(ifHCInOctets{job="snmp"${sel}}[5m]) * 8 > ${num(v)}) or (rate(ifHCOutOctets{job="snmp"${sel}}[5m]) * 8 > ${num(v)})`,
  },
  traffic_percent: {
    alertName: 'TrafficHighPercent', ja: 'インターフェース帯域使用率', en: 'Interface use of link speed', unitJa: '%', min: 0, max: 100,
    valueText: '{{ printf "%.1f" $value }} %',
    expr: (sel, v) =>
      `(100 * rate(ifHCInOctets{job="snmp"${sel}}[5m]) * 8 / (ifHighSpeed{job="snmp"${sel}} * 1e6) > ${num(v)}) or ` +
      `(100 * rate(ifHCOutOctets{job="snmp"${sel}}[5m]) * 8 / (ifHighSpeed{job="snmp"${sel}} * 1e6) > ${num(v)})`,
  },
  hypervisor_host_down: {
    alertName: 'HostNotResponding', ja: 'ハイパーバイザーのホスト応答なし', en: 'Hypervisor host not responding', unitJa: '', min: 0, max: 0, event: true,
    valueText: '', expr: noRule,
  },
  vm_powered_off: {
    alertName: 'VmPoweredOffOutsideOpsdesk', ja: 'VM の想定外の電源オフ', en: 'VM powered off outside opsdesk', unitJa: '', min: 0, max: 0, event: true,
    valueText: '', expr: noRule,
  },
  hypervisor_ha_event: {
    alertName: 'HaEvent', ja: 'HA（高可用性）イベント', en: 'HA event', unitJa: '', min: 0, max: 0, event: true,
    valueText: '', expr: noRule,
  },
  hypervisor_alarm: {
    alertName: 'PlatformAlarm', ja: 'ハイパーバイザーのアラーム', en: 'Hypervisor alarm', unitJa: '', min: 1, max: 2, event: true, whole: true,
    valueText: '', expr: noRule,
  },
  datastore_percent: {
    alertName: 'DatastoreUsage', ja: 'データストア使用率', en: 'Datastore use', unitJa: '%', min: 0.01, max: 100, event: true,
    valueText: '', expr: noRule,
  },
};

/** A threshold as the renderer needs it: the device override names its host. */
export interface RuleThreshold {
  id: string;
  kind: ThresholdKind;
  value: number;
  forSeconds: number;
  severity: ThresholdSeverity;
  version: number;
  enabled: boolean;
  service?: string | null;
  /** Class threshold: every device of this kind … */
  assetKind?: AssetKind | null;
  /** … or a per-device override, by the device's host name. */
  hostname?: string | null;
}

/** The human text of a threshold: 「CPU 使用率 90 % 超が 5 分継続」. */
export function describeThreshold(t: Pick<RuleThreshold, 'kind' | 'value' | 'forSeconds' | 'service'>): string {
  const spec = KIND_SPECS[t.kind];
  if (t.kind === 'hypervisor_alarm') return `${spec.ja}（${t.value >= 2 ? '赤' : '黄・赤'}）`;
  if (t.kind === 'datastore_percent') return `${spec.ja} ${t.value} % 以上`;
  if (spec.event) return spec.ja;
  if (spec.valueIsDuration) return `${spec.ja} ${t.value} 秒以上`;
  if (spec.needsService) return `${spec.ja}: ${t.service ?? ''} が ${t.forSeconds} 秒以上`;
  const comparison = t.kind === 'disk_days_until_full' ? '未満' : '超';
  return `${spec.ja} ${t.value} ${spec.unitJa} ${comparison}${t.forSeconds ? `が ${t.forSeconds} 秒継続` : ''}`;
}

const escapeRegex = (hostname: string) => hostname.replace(/\./g, '\\\\.');

function assertSafe(t: RuleThreshold): void {
  if (!(THRESHOLD_KINDS as readonly string[]).includes(t.kind)) throw new Error(`unknown threshold kind ${String(t.kind)}`);
  if (!Number.isFinite(t.value)) throw new Error(`threshold ${t.id}: value is not a number`);
  if (!Number.isInteger(t.forSeconds) || t.forSeconds < 0) throw new Error(`threshold ${t.id}: forSeconds is not a whole number`);
  if (t.hostname && !HOSTNAME_PATTERN.test(t.hostname)) throw new Error(`threshold ${t.id}: bad host name`);
  if (t.assetKind && !(ASSET_KINDS as readonly string[]).includes(t.assetKind)) throw new Error(`threshold ${t.id}: bad asset kind`);
  if (t.service && !SERVICE_NAME_PATTERN.test(t.service)) throw new Error(`threshold ${t.id}: bad service name`);
}

export interface RenderOptions {
  /** opsdesk's public URL: the notice links to the device's monitoring page there. */
  publicUrl: string;
}

/** The rule file (JSON, read as YAML by Prometheus) for all enabled thresholds. */
export function renderRules(thresholds: RuleThreshold[], options: RenderOptions): string {
  const enabled = thresholds.filter((t) => t.enabled && !isEventKind(t.kind));
  enabled.forEach(assertSafe);
  // A device override replaces its class's threshold of the same kind (and service) for that device.
  const overridden = new Map<string, string[]>();
  const overrideKey = (t: RuleThreshold) => `${t.kind}|${t.service ?? ''}`;
  for (const t of enabled) {
    if (t.hostname) overridden.set(overrideKey(t), [...(overridden.get(overrideKey(t)) ?? []), t.hostname]);
  }
  const sorted = [...enabled].sort((a, b) => a.kind.localeCompare(b.kind) || String(a.assetKind ?? a.hostname).localeCompare(String(b.assetKind ?? b.hostname)) || a.id.localeCompare(b.id));
  const rules = sorted.map((t) => {
    const spec = KIND_SPECS[t.kind];
    let sel: string;
    if (t.hostname) {
      sel = `,hostname="${t.hostname}"`;
    } else {
      const except = overridden.get(overrideKey(t)) ?? [];
      sel = `,role="${t.assetKind}"${except.length ? `,hostname!~"${except.map(escapeRegex).join('|')}"` : ''}`;
    }
    const forSeconds = spec.valueIsDuration ? t.value : t.forSeconds;
    const scope = t.hostname ? `機器 ${t.hostname} 個別の閾値` : `機器分類 ${t.assetKind} の閾値`;
    const described = describeThreshold(t);
    const graph = `${options.publicUrl.replace(/\/$/, '')}/monitoring?host={{ $labels.hostname }}`;
    return {
      alert: spec.alertName,
      expr: spec.expr(sel, t.value, t.service ?? undefined),
      for: `${forSeconds}s`,
      labels: {
        severity: t.severity,
        threshold_id: t.id,
        threshold_kind: t.kind,
        threshold_version: String(t.version),
        ...(t.service ? { service: t.service } : {}),
      },
      annotations: {
        threshold: described,
        summary:
          `閾値超過: ${described}（${scope}・第 ${t.version} 版・重大度 ${t.severity}）\n` +
          `測定値: ${spec.valueText}\n` +
          `継続: ${forSeconds} 秒以上（発生時刻は検知日時）\n` +
          `グラフ: ${graph}`,
        graph,
      },
    };
  });
  return JSON.stringify({ groups: [{ name: 'opsdesk-thresholds', rules }] }, null, 2) + '\n';
}
