import type { EntityManager } from '@mikro-orm/postgresql';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AlertSeverity, ParsedAlert } from '../incidents/alert-payload';
import type { AcceptedAlert } from '../incidents/alert-inbox.service';
import type { EventVerdict, JudgedEvent } from '../monitoring/event-thresholds';
import type { ClusterCapacity, HypervisorPort, PlatformEvent, PlatformEventKind, PlatformEventSource } from '../providers/hypervisor.port';
import type { PlatformWatchConfig } from './platform-watch-config';

/** The alert intake's write (AlertInbox.accept): the same path as POST /api/alerts. */
export type AcceptAlerts = (alerts: ParsedAlert[], sourceName: string, idempotencyKey?: string) => Promise<AcceptedAlert[]>;
/** The thresholds' verdict on each event (EventThresholdGate.judge): only a breach becomes an alert. */
export type JudgeEvents = (batch: JudgedEvent[]) => Promise<Array<{ judged: JudgedEvent; verdict: EventVerdict }>>;

const ALERT_NAMES: Record<PlatformEventKind, string> = {
  host_not_responding: 'HostNotResponding',
  vm_powered_off: 'VmPoweredOffOutsideOpsdesk',
  datastore_usage: 'DatastoreUsage',
  ha: 'HaEvent',
  alarm: 'PlatformAlarm',
};

const BATCH = 100;

/** A platform event as a one-shot alert: firing, never resolved by the platform; a threshold's verdict sets severity and summary. */
export function eventAlert(adapter: string, event: PlatformEvent, verdict?: Extract<EventVerdict, { raise: true }>): ParsedAlert {
  const severity: AlertSeverity = verdict?.severity ?? event.severity;
  const threshold: Record<string, string> = verdict
    ? { threshold_id: verdict.threshold.id, threshold_kind: verdict.threshold.kind, threshold_version: String(verdict.threshold.version) }
    : {};
  return {
    status: 'firing',
    source: `hypervisor:${adapter}`,
    hostname: event.entity.slice(0, 253),
    alertName: ALERT_NAMES[event.kind],
    severity,
    summary: (verdict?.summary ?? event.summary).slice(0, 2000),
    detectedAt: event.at,
    fingerprint: event.key.slice(0, 128),
    labels: { platform: adapter, eventType: event.type, eventKey: event.key, kind: event.kind, ...threshold },
  };
}

/**
 * The worker side of R-MON-1 and R-RPT-3, on the hypervisor port (vSphere or the simulator alike):
 *
 * - Events: reads the platform's event stream continuously from the cursor kept in PostgreSQL
 *   (`platform_event_cursor`), hands host-not-responding, VMs powered off not by opsdesk, datastore
 *   usage, HA events and red/yellow alarms, each judged by its threshold (R-MON-1: thresholds as data,
 *   event-thresholds.ts; no threshold or a switched-off one: no alert), to the alert intake as one-shot alerts (idempotency key
 *   per event, so an event handed again after a crash between intake and cursor is written once),
 *   then moves the cursor. One worker reads at a time: it holds a lease on the cursor row, renewed
 *   every pass; another takes over when it lapses.
 * - Capacity: the lease holder samples every cluster's hosts and datastores every
 *   `capacityEveryMs` into `platform_capacity_daily` (a row per day, last sample and peak).
 *
 * Why a worker-side interval and not a Temporal Schedule: a read with no human step and nothing to
 * compensate, where a missed sample costs nothing (the next fills the day); a Schedule would write a
 * workflow history per sample (96 a day) that nobody audits, and the adapter's vCenter session
 * lives in the worker anyway.
 */
export class PlatformWatch {
  private readonly logger = new Logger('platform-watch');
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private eventTimer?: NodeJS.Timeout;
  private capacityTimer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private leader = false;
  private failing = false;

  constructor(
    private readonly em: EntityManager,
    private readonly hypervisor: HypervisorPort & PlatformEventSource,
    private readonly accept: AcceptAlerts,
    private readonly config: PlatformWatchConfig,
    private readonly judge: JudgeEvents,
    private readonly afterAccept: () => void = () => undefined,
  ) {}

  private get adapter(): string {
    return this.hypervisor.description.adapter;
  }

  start(): void {
    const loop = (every: number, pass: () => Promise<void>, set: (t: NodeJS.Timeout) => void) => {
      const tick = () => {
        if (this.stopped) return;
        this.running = this.running.then(pass).catch(() => undefined).finally(() => {
          if (!this.stopped) set(setTimeout(tick, every));
        });
      };
      set(setTimeout(tick, 0));
    };
    loop(this.config.eventPollMs, () => this.eventPass(), (t) => (this.eventTimer = t));
    loop(this.config.capacityEveryMs, () => this.capacityPass(), (t) => (this.capacityTimer = t));
  }

  /** Stops reading and lets the lease go, so another worker goes on at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.eventTimer);
    clearTimeout(this.capacityTimer);
    await this.running;
    await this.em.fork().execute(`update platform_event_cursor set lease_until = null, holder = null where adapter = ? and holder = ?`, [this.adapter, this.holder]).catch(() => undefined);
  }

  /** Takes or renews the lease; the cursor when this worker holds it, undefined when another does. */
  private async lease(): Promise<{ cursor: string | null } | undefined> {
    const seconds = Math.max(30, (3 * this.config.eventPollMs) / 1000);
    const rows = await this.em.fork().execute<Array<{ cursor: string | null }>>(
      `insert into platform_event_cursor (adapter, holder, lease_until, updated_at) values (?, ?, now() + make_interval(secs => ?), now())
       on conflict (adapter) do update set holder = excluded.holder, lease_until = excluded.lease_until, updated_at = now()
        where platform_event_cursor.holder = excluded.holder or platform_event_cursor.lease_until is null or platform_event_cursor.lease_until < now()
       returning cursor`,
      [this.adapter, this.holder, seconds],
    );
    this.leader = rows.length > 0;
    return rows[0];
  }

  /** One read of the stream (and more at once while pages come full), then the alarms. */
  async eventPass(): Promise<void> {
    try {
      for (let pages = 0; pages < 50 && !this.stopped; pages++) {
        const held = await this.lease();
        if (!held) return;
        const batch = await this.hypervisor.readEvents(held.cursor, BATCH);
        const raised = await this.raise(batch.events.map((event) => ({ event })));
        const moved = await this.em.fork().execute(
          `update platform_event_cursor set cursor = ?, events_read = events_read + ?, alerts_raised = alerts_raised + ?, updated_at = now() where adapter = ? and holder = ?`,
          [batch.cursor, batch.read, raised, this.adapter, this.holder],
          'run',
        );
        // The lease went to another worker meanwhile: it reads from the cursor it finds; what this one raised is not raised twice (same keys).
        if ((moved as { affectedRows?: number }).affectedRows === 0) return;
        if (batch.read < BATCH) break;
      }
      const held = await this.lease();
      if (held) await this.raise((await this.hypervisor.activeAlarms()).map((event) => ({ event })));
      if (this.failing) this.logger.log(`reading ${this.adapter} events again`);
      this.failing = false;
    } catch (error) {
      // The platform or PostgreSQL is down: the cursor stays where it was; the next pass goes on from it.
      if (!this.failing) this.logger.warn(`cannot read ${this.adapter} events: ${error instanceof Error ? error.message : String(error)}`);
      this.failing = true;
    }
  }

  /** Hands the events their thresholds call breaches to the intake, one idempotency key each; returns how many were new. */
  private async raise(events: JudgedEvent[]): Promise<number> {
    let fresh = 0;
    for (const { judged: { event }, verdict } of await this.judge(events)) {
      if (!verdict.raise) continue;
      const [accepted] = await this.accept([eventAlert(this.adapter, event, verdict)], `hypervisor:${this.adapter}`, event.key);
      if (accepted && !accepted.duplicate) fresh++;
    }
    if (fresh) this.afterAccept();
    return fresh;
  }

  /** One capacity sample into today's rows (Japan's calendar day), by the lease holder only. */
  async capacityPass(): Promise<void> {
    try {
      if (!this.leader && !(await this.lease())) return;
      await this.record(await this.hypervisor.capacity());
    } catch (error) {
      this.logger.warn(`cannot sample ${this.adapter} capacity: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async record(clusters: ClusterCapacity[]): Promise<void> {
    const em = this.em.fork();
    const upsert = `insert into platform_capacity_daily (day, adapter, cluster, kind, name, cpu_total, cpu_used, memory_gib_total, memory_gib_used,
        disk_gib_total, disk_gib_used, vm_count, peak_cpu_used, peak_memory_gib_used, peak_disk_gib_used, samples, sampled_at)
      values ((now() at time zone 'Asia/Tokyo')::date, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, now())
      on conflict (day, adapter, cluster, kind, name) do update set
        cpu_total = excluded.cpu_total, cpu_used = excluded.cpu_used, memory_gib_total = excluded.memory_gib_total, memory_gib_used = excluded.memory_gib_used,
        disk_gib_total = excluded.disk_gib_total, disk_gib_used = excluded.disk_gib_used, vm_count = excluded.vm_count,
        peak_cpu_used = greatest(platform_capacity_daily.peak_cpu_used, excluded.cpu_used),
        peak_memory_gib_used = greatest(platform_capacity_daily.peak_memory_gib_used, excluded.memory_gib_used),
        peak_disk_gib_used = greatest(platform_capacity_daily.peak_disk_gib_used, excluded.disk_gib_used),
        samples = platform_capacity_daily.samples + 1, sampled_at = now()`;
    const sampled: JudgedEvent[] = [];
    const day = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
    for (const c of clusters) {
      for (const h of c.hosts) {
        await em.execute(upsert, [this.adapter, c.cluster, 'host', h.name, h.cpu.total, h.cpu.used, h.memoryGiB.total, h.memoryGiB.used, h.diskGiB.total, h.diskGiB.used, h.vmCount, h.cpu.used, h.memoryGiB.used, h.diskGiB.used]);
      }
      for (const d of c.datastores) {
        const used = Math.round((d.capacityGiB - d.freeGiB) * 100) / 100;
        await em.execute(upsert, [this.adapter, c.cluster, 'datastore', d.name, null, null, null, null, d.capacityGiB, used, null, null, null, used]);
        const percent = d.capacityGiB > 0 ? (100 * used) / d.capacityGiB : 0;
        // Judged by the datastore_percent threshold of the datastore (or the storage class): at most one alert a day.
        sampled.push({
          percent,
          event: {
            key: `capacity:${c.cluster}:${d.name}:${day}`, kind: 'datastore_usage', type: 'DatastoreUsage', severity: 'warning',
            entity: d.name, at: new Date().toISOString(),
            summary: `データストア ${d.name} の使用率が ${percent.toFixed(1)}% です / datastore ${d.name} is ${percent.toFixed(1)}% full`,
          },
        });
      }
    }
    await this.raise(sampled);
  }
}
