import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { forbidden, invalid, notFound } from '../common/errors';
import { DomainError } from '../common/errors';
import type { Actor } from '../identity/current-user';
import { Asset } from '../inventory/asset.entity';
import { mayProbe } from './monitoring-config';
import { MonitoringService } from './monitoring.service';
import { monitoringStatus, type MonitoringHealth } from './monitoring-status';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Breach {
  alertName: string;
  threshold: string;
  severity: string;
  state: 'firing' | 'pending';
  since: string;
  value: number;
}

export interface DeviceState {
  id: string;
  hostname: string;
  kind: string;
  address: string | null;
  businessSystems: string[];
  departments: string[];
  /** up / down from the last ICMP probe; unknown: no address, or Prometheus has no sample yet. */
  state: 'up' | 'down' | 'unknown';
  /** When the state began, as far as opsdesk saw (`sinceKind` first_seen: at least since then). */
  since: string | null;
  sinceKind: 'transition' | 'first_seen' | null;
  rttMs: number | null;
  breaches: Breach[];
  /** Why the state is unknown: no address, or the address is outside MONITORING_PROBE_NETWORKS. */
  notWatched: 'no_address' | 'outside_probe_networks' | null;
}

/** What the series endpoint can draw; each a PromQL template on the device's host name. */
const SERIES: Readonly<Record<string, { expr: (host: string) => string; unit: string }>> = {
  ping: { expr: (h) => `probe_success{job="icmp",hostname="${h}"}`, unit: 'up' },
  rtt: { expr: (h) => `probe_icmp_duration_seconds{job="icmp",phase="rtt",hostname="${h}"} * 1000`, unit: 'ms' },
  cpu: { expr: (h) => `100 * (1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{job="node",mode="idle",hostname="${h}"}[5m])))`, unit: '%' },
  memory: { expr: (h) => `100 * (1 - node_memory_MemAvailable_bytes{job="node",hostname="${h}"} / node_memory_MemTotal_bytes{job="node",hostname="${h}"})`, unit: '%' },
  disk: { expr: (h) => `max without (device, fstype, mountpoint) (100 * (1 - node_filesystem_avail_bytes{job="node",hostname="${h}",fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|devtmpfs"} / node_filesystem_size_bytes{job="node",hostname="${h}",fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|devtmpfs"}))`, unit: '%' },
  traffic_in: { expr: (h) => `sum without (ifIndex, ifDescr, ifName, ifAlias) (rate(ifHCInOctets{job="snmp",hostname="${h}"}[5m]) * 8)`, unit: 'bps' },
  traffic_out: { expr: (h) => `sum without (ifIndex, ifDescr, ifName, ifAlias) (rate(ifHCOutOctets{job="snmp",hostname="${h}"}[5m]) * 8)`, unit: 'bps' },
};
export const SERIES_METRICS = Object.keys(SERIES);
const RANGES: Readonly<Record<string, { seconds: number; step: number }>> = { '24h': { seconds: 86_400, step: 300 }, '7d': { seconds: 604_800, step: 3_600 } };
export const SERIES_RANGES = Object.keys(RANGES);

/** Roles that see every device; a department user sees the devices of its own systems only. */
const SEES_ALL = ['admin', 'operator', 'general_affairs', 'auditor'];

/** The monitoring page's data: read from Prometheus, scoped like the inventory's cases. */
@Injectable()
export class MonitoringViewService {
  constructor(
    private readonly em: EntityManager,
    private readonly monitoring: MonitoringService,
  ) {}

  status(): MonitoringHealth {
    return monitoringStatus.health();
  }

  private async visibleAssets(actor: Actor, id?: string): Promise<Asset[]> {
    const where: Record<string, unknown> = { retiredAt: null };
    if (id) where.id = id;
    if (!actor.roles.some((r) => SEES_ALL.includes(r))) {
      if (!actor.departmentId) return [];
      where.departments = { id: actor.departmentId };
    }
    return this.em.fork().find(Asset, where, { populate: ['departments'], orderBy: { hostname: 'asc' } });
  }

  async devices(actor: Actor): Promise<{ monitoring: MonitoringHealth; devices: DeviceState[] }> {
    const assets = await this.visibleAssets(actor);
    const health = monitoringStatus.health();
    let probes: Map<string, boolean> = new Map();
    let rtts: Map<string, number> = new Map();
    let alerts: Awaited<ReturnType<MonitoringService['alerts']>> = [];
    if (this.monitoring.enabled) {
      try {
        const [success, rtt, firing] = await Promise.all([
          this.monitoring.query('probe_success{job="icmp"}'),
          this.monitoring.query('probe_icmp_duration_seconds{job="icmp",phase="rtt"} * 1000'),
          this.monitoring.alerts(),
        ]);
        probes = new Map((success ?? []).map((s) => [s.metric.hostname, s.value[1] === '1']));
        rtts = new Map((rtt ?? []).map((s) => [s.metric.hostname, Number(s.value[1])]));
        alerts = firing.filter((a) => a.labels.threshold_id);
      } catch (error) {
        throw new DomainError('unavailable', `Prometheus cannot be read now: ${error instanceof Error ? error.message : String(error)} / 監視サーバーに接続できません`);
      }
    }
    const devices = assets.map((asset): DeviceState => {
      const up = probes.get(asset.hostname);
      const seen = this.monitoring.states.get(asset.hostname);
      const state = up === undefined ? 'unknown' : up ? 'up' : 'down';
      const address = asset.address?.trim();
      const notWatched = !address ? 'no_address' : mayProbe(address, this.monitoring.probeNetworks) ? null : 'outside_probe_networks';
      return {
        id: asset.id, hostname: asset.hostname, kind: asset.kind, address: asset.address ?? null, businessSystems: [...asset.businessSystems],
        departments: asset.departments.getItems().map((d) => d.nameJa),
        state,
        since: state !== 'unknown' && seen && seen.up === up ? seen.since.toISOString() : null,
        sinceKind: state !== 'unknown' && seen && seen.up === up ? seen.observedSince : null,
        rttMs: up ? rtts.get(asset.hostname) ?? null : null,
        breaches: alerts.filter((a) => a.labels.hostname === asset.hostname).map((a) => ({
          alertName: a.labels.alertname, threshold: a.annotations.threshold ?? a.labels.alertname, severity: a.labels.severity,
          state: a.state === 'firing' ? 'firing' : 'pending', since: a.activeAt, value: Number(a.value),
        })),
        notWatched,
      };
    });
    return { monitoring: health, devices };
  }

  async series(actor: Actor, id: string, metric: string, range: string) {
    if (!UUID.test(id)) throw invalid('id', 'id must be an asset id (uuid)');
    const spec = SERIES[metric];
    if (!spec) throw invalid('metric', `metric must be one of ${SERIES_METRICS.join(', ')}`);
    const window = RANGES[range];
    if (!window) throw invalid('range', `range must be one of ${SERIES_RANGES.join(', ')}`);
    const [asset] = await this.visibleAssets(actor, id);
    if (!asset) {
      const exists = await this.em.fork().count(Asset, { id });
      throw exists ? forbidden('This device is not one of your department\'s systems / 所管外の機器です') : notFound(`Asset ${id}`);
    }
    if (!this.monitoring.enabled) return { hostname: asset.hostname, metric, range, unit: spec.unit, series: [], monitoring: monitoringStatus.health() };
    const end = Math.floor(Date.now() / 1000);
    let result;
    try {
      result = await this.monitoring.queryRange(spec.expr(asset.hostname), end - window.seconds, end, window.step);
    } catch (error) {
      throw new DomainError('unavailable', `Prometheus cannot be read now: ${error instanceof Error ? error.message : String(error)} / 監視サーバーに接続できません`);
    }
    return {
      hostname: asset.hostname, metric, range, unit: spec.unit, step: window.step,
      series: result.map((s) => ({ labels: s.metric, points: s.values.map(([t, v]) => [t, Number(v)] as [number, number]) })),
    };
  }
}
