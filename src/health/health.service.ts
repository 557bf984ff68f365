import { Injectable } from '@nestjs/common';
import { monitoringStatus, type MonitoringHealth } from '../monitoring/monitoring-status';
import { DependencyMonitor, type PartState } from './dependency-monitor';

export type { PartState } from './dependency-monitor';
export interface HealthReport {
  status: 'ok' | 'degraded';
  temporal: PartState;
  database: PartState;
  smtp: PartState;
  worker: PartState;
  /** Prometheus and Alertmanager (issue 16); informative: `off` or `down` does not make opsdesk unhealthy. */
  monitoring: MonitoringHealth;
  /** When the parts were last probed (probes run in the background every few seconds). */
  checkedAt: string | null;
}

@Injectable()
export class HealthService {
  constructor(private readonly monitor: DependencyMonitor) {}

  /** Answers from the background probes: within a second even when a part hangs. */
  async report(): Promise<HealthReport> {
    const { checkedAt, ...parts } = await this.monitor.snapshot();
    return { status: Object.values(parts).every((p) => p === 'ok') ? 'ok' : 'degraded', ...parts, monitoring: monitoringStatus.health(), checkedAt };
  }
}
