import type { EntityManager } from '@mikro-orm/postgresql';
import { fromJstWall } from '../../workflows/shared/jst';
import type { GatherAvailabilityResult } from '../../workflows/shared/contracts';
import { activeTargets, instantQuery, type VectorSample } from '../monitoring/prometheus-api';

/**
 * The nightly gathering (R-RPT-1/2): per device and Japan day, how many ICMP probe results
 * Prometheus holds and how many failed (`count_over_time` / `sum_over_time` of
 * `probe_success{job="icmp"}` over the day, evaluated at its end), kept in
 * report_availability_daily. Idempotent: a day gathered again replaces its rows.
 */
export class AvailabilityGatherer {
  constructor(
    private readonly em: EntityManager,
    private readonly prometheusUrl: string | null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private query(promql: string, time: number): Promise<VectorSample[]> {
    return instantQuery(this.prometheusUrl!, promql, { time, timeoutMs: 15_000 });
  }

  /** The ICMP job's scrape interval in seconds, from Prometheus's own target list. */
  private async scrapeIntervalSeconds(): Promise<number> {
    const targets = await activeTargets(this.prometheusUrl!);
    const target = targets.find((t) => t.scrapePool === 'icmp') ?? targets[0];
    const match = /^(\d+)(ms|s|m)$/.exec(target?.scrapeInterval ?? '');
    if (!match) return 15;
    const n = Number(match[1]);
    return match[2] === 'ms' ? n / 1000 : match[2] === 'm' ? n * 60 : n;
  }

  async gather(fromDay: string, toDay: string): Promise<GatherAvailabilityResult> {
    if (!this.prometheusUrl) return { prometheus: false, daysGathered: 0, rows: 0, reason: 'PROMETHEUS_URL is not set' };
    let interval: number;
    try {
      interval = await this.scrapeIntervalSeconds();
    } catch (error) {
      return { prometheus: false, daysGathered: 0, rows: 0, reason: `Prometheus cannot be reached: ${error instanceof Error ? error.message : String(error)}` };
    }
    let days = 0;
    let rows = 0;
    for (let day = fromDay; day <= toDay; day = nextDay(day)) {
      const [y, m, d] = day.split('-').map(Number);
      const end = fromJstWall(y, m, d + 1).getTime();
      if (end > this.now().getTime()) break; // a day is gathered once it is over
      const at = end / 1000;
      const [counts, ups] = await Promise.all([
        this.query('count_over_time(probe_success{job="icmp"}[1d])', at),
        this.query('sum_over_time(probe_success{job="icmp"}[1d])', at),
      ]);
      const up = new Map(ups.map((s) => [s.metric.hostname ?? s.metric.instance, Number(s.value[1])]));
      const em = this.em.fork();
      await em.transactional(async (tx) => {
        // A day Prometheus no longer holds (past its retention) keeps the rows gathered while it did.
        if (counts.length) await tx.getConnection().execute(`delete from report_availability_daily where day = ? and source = 'prometheus'`, [day]);
        for (const sample of counts) {
          const hostname = sample.metric.hostname ?? sample.metric.instance;
          if (!hostname) continue;
          const samples = Math.round(Number(sample.value[1]));
          const failed = samples - Math.round(up.get(hostname) ?? 0);
          await tx.getConnection().execute(
            `insert into report_availability_daily (day, hostname, samples, failed_samples, observed_seconds, down_seconds, source, gathered_at)
             values (?, ?, ?, ?, ?, ?, 'prometheus', now())
             on conflict (day, hostname) do update set samples = excluded.samples, failed_samples = excluded.failed_samples,
               observed_seconds = excluded.observed_seconds, down_seconds = excluded.down_seconds, source = excluded.source, gathered_at = excluded.gathered_at`,
            [day, hostname, samples, failed, samples * interval, failed * interval],
          );
          rows += 1;
        }
      });
      days += 1;
    }
    return { prometheus: true, daysGathered: days, rows, reason: null };
  }
}

export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
