import { Gauge } from 'prom-client';
import { metrics } from '../observability/metrics';

export interface MonitoringHealth {
  /** ok: Prometheus and Alertmanager answer; down: one does not; off: not configured (see reason). */
  state: 'ok' | 'down' | 'off';
  reason: string | null;
  prometheus: boolean | null;
  alertmanager: boolean | null;
  targets: number;
  lastReload: { at: string; ok: boolean; message: string } | null;
  checkedAt: string | null;
}

/** What the API process knows about its monitoring stack: read by /health and /metrics. */
class MonitoringStatus {
  enabled = false;
  offReason: string | null = 'not started';
  prometheusUp: boolean | null = null;
  alertmanagerUp: boolean | null = null;
  targets = 0;
  targetsWrittenAt: Date | null = null;
  /** The last pass of inventory → targets and rules (announced or the fallback poll). */
  syncedAt: Date | null = null;
  lastReload: { at: Date; ok: boolean; message: string } | null = null;
  checkedAt: Date | null = null;

  reset(enabled: boolean, offReason: string | null): void {
    Object.assign(this, { enabled, offReason, prometheusUp: null, alertmanagerUp: null, targets: 0, targetsWrittenAt: null, syncedAt: null, lastReload: null, checkedAt: null });
  }

  recordReload(ok: boolean, message: string): void {
    this.lastReload = { at: new Date(), ok, message: message.slice(0, 1000) };
  }

  health(): MonitoringHealth {
    const state = !this.enabled ? 'off' : this.prometheusUp === false || this.alertmanagerUp === false ? 'down' : 'ok';
    return {
      state,
      reason: this.enabled ? null : this.offReason,
      prometheus: this.prometheusUp,
      alertmanager: this.alertmanagerUp,
      targets: this.targets,
      lastReload: this.lastReload ? { ...this.lastReload, at: this.lastReload.at.toISOString() } : null,
      checkedAt: this.checkedAt?.toISOString() ?? null,
    };
  }
}

export const monitoringStatus = new MonitoringStatus();

const gauge = (name: string, help: string, collect: () => number | null) => {
  if (metrics.registry.getSingleMetric(name)) return;
  new Gauge({
    name, help, registers: [metrics.registry],
    collect() {
      const value = collect();
      if (value === null) this.reset();
      else this.set(value);
    },
  });
};

gauge('opsdesk_monitoring_enabled', 'Whether opsdesk runs with a monitoring stack (PROMETHEUS_URL)', () => (monitoringStatus.enabled ? 1 : 0));
gauge('opsdesk_monitoring_prometheus_up', 'Whether Prometheus answered /-/ready at the last check', () => (monitoringStatus.prometheusUp === null ? null : Number(monitoringStatus.prometheusUp)));
gauge('opsdesk_monitoring_alertmanager_up', 'Whether Alertmanager answered /-/ready at the last check', () => (monitoringStatus.alertmanagerUp === null ? null : Number(monitoringStatus.alertmanagerUp)));
gauge('opsdesk_monitoring_last_reload_success', 'Whether the last rule check and Prometheus reload succeeded (1) or failed (0)', () => (monitoringStatus.lastReload ? Number(monitoringStatus.lastReload.ok) : null));
gauge('opsdesk_monitoring_last_reload_timestamp_seconds', 'When the rules were last checked and Prometheus reloaded', () => (monitoringStatus.lastReload ? monitoringStatus.lastReload.at.getTime() / 1000 : null));
gauge('opsdesk_monitoring_targets', 'Devices with an address that Prometheus pings (from the inventory)', () => monitoringStatus.targets);
