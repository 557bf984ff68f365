import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { IncidentInput } from '../../workflows/shared/contracts';
import { workflowIds } from '../../workflows/shared/ids';
import { alertReceived, type AlertSignal } from '../../workflows/shared/messages';
import type { Severity } from '../../workflows/shared/case-model';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { InboxDispatcher } from '../database/inbox-dispatcher';
import { signalWithStartWorkflow } from '../temporal/typed-workflows';
import type { ParsedAlert } from './alert-payload';

/** An alert written to the inbox, and whether this very request wrote it. */
export interface AcceptedAlert {
  alertId: string;
  workflowId: string;
  status: 'firing' | 'resolved';
  /** The same `Idempotency-Key` was accepted before: nothing new was written. */
  duplicate: boolean;
  delivered: boolean;
}

/** What Temporal did with an alert handed to it. */
export interface Delivery {
  outcome: 'delivered' | 'ignored';
  runId: string | null;
}

/** Alerts handed over per pass; the next pass follows at once while alerts wait. */
const BATCH = 50;
/** Retries back off up to this, so a returning Temporal gets the backlog within seconds. */
const MAX_BACKOFF_SECONDS = 10;
/** How long one hand-over to Temporal may take before it counts as failed (and is tried again). */
const HAND_OVER_DEADLINE_MS = 5_000;

interface ClaimedRow {
  id: string;
  alert_id: string;
  workflow_id: string;
  status: 'firing' | 'resolved';
  signal: AlertSignal;
  attempts: number;
}

/**
 * R-FLOW-1, "nobody can lose it": an accepted alert is first written to PostgreSQL (the inbox),
 * then handed to Temporal by signal-with-start. Temporal being down delays the hand-over, never
 * loses it: the dispatcher retries until Temporal takes the alert, in arrival order per incident
 * (host and alert name), so a resolution never overtakes the alert it resolves and duplicates still
 * meet in one incident. The workflow ignores an alert id it has seen, so a hand-over repeated
 * after a crash between "Temporal took it" and "marked delivered" changes nothing.
 */
@Injectable()
export class AlertInbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('alert-inbox');
  private readonly waiters = new Map<string, Array<(delivery: Delivery) => void>>();
  private failingSince = 0;
  /** Woken by inserts (any process), by kick(), by retry times and a fallback poll: src/database/inbox-dispatcher.ts. */
  private readonly dispatcher: InboxDispatcher;

  constructor(
    private readonly em: EntityManager,
    private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.dispatcher = new InboxDispatcher({
      table: 'alert_inbox', batch: BATCH, logger: this.logger, databaseUrl: config.databaseUrl,
      pass: () => this.pass(),
      nextAttemptInMs: async () => {
        const [row] = await this.em.getConnection().execute<Array<{ ms: number | null }>>(
          // Only the oldest waiting alert of each incident can be claimed (the order of the pass).
          `select (extract(epoch from (min(a.next_attempt_at) - now())) * 1000)::float8 as ms from alert_inbox a
            where a.delivered_at is null and not exists (select 1 from alert_inbox b where b.workflow_id = a.workflow_id and b.delivered_at is null and b.id < a.id)`,
        );
        return row?.ms === null || row?.ms === undefined ? null : Number(row.ms);
      },
      // PostgreSQL down: the alerts are safe where they are; the next look tries again.
      describeFailure: (error) => `the alert inbox cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    });
  }

  onApplicationBootstrap(): void {
    this.dispatcher.start(); // and what an earlier process accepted and could not hand over
  }

  async onModuleDestroy(): Promise<void> {
    await this.dispatcher.stop();
  }

  /**
   * Writes the alerts durably, all or none. With an `Idempotency-Key`, a request sent again
   * (a sender retrying after a lost answer) is recognised and written once.
   */
  async accept(alerts: ParsedAlert[], sourceName: string, idempotencyKey?: string): Promise<AcceptedAlert[]> {
    const receivedAt = new Date();
    return this.em.transactional(async (em) => {
      const connection = em.getConnection();
      const accepted: AcceptedAlert[] = [];
      for (const [index, alert] of alerts.entries()) {
        const workflowId = workflowIds.alertIncident(alert.hostname, alert.alertName, this.config.temporal.workflowIdPrefix);
        const signal: AlertSignal = {
          alertId: randomUUID(), status: alert.status, alertName: alert.alertName, hostname: alert.hostname, severity: alert.severity,
          summary: alert.summary, source: alert.source || sourceName, at: alert.detectedAt, fingerprint: alert.fingerprint,
        };
        // Per alert source, per alert of the request: a JSON triple cannot be forged by a clever header.
        const key = idempotencyKey ? JSON.stringify([sourceName, idempotencyKey, index]) : null;
        const inserted = await connection.execute<Array<{ alert_id: string }>>(
          `insert into alert_inbox (alert_id, idempotency_key, source_name, workflow_id, status, signal, received_at)
           values (?, ?, ?, ?, ?, ?, ?) on conflict (idempotency_key) do nothing returning alert_id`,
          [signal.alertId, key, sourceName, workflowId, alert.status, JSON.stringify(signal), receivedAt],
          'all',
          em.getTransactionContext(),
        );
        if (inserted.length > 0) {
          accepted.push({ alertId: signal.alertId, workflowId, status: alert.status, duplicate: false, delivered: false });
          continue;
        }
        const [earlier] = await connection.execute<Array<{ alert_id: string; workflow_id: string; status: 'firing' | 'resolved'; delivered: boolean }>>(
          'select alert_id, workflow_id, status, delivered_at is not null as delivered from alert_inbox where idempotency_key = ?',
          [key],
          'all',
          em.getTransactionContext(),
        );
        accepted.push({ alertId: earlier.alert_id, workflowId: earlier.workflow_id, status: earlier.status, duplicate: true, delivered: earlier.delivered });
      }
      return accepted;
    });
  }

  /**
   * Resolves when this process has handed the alert to Temporal, or with undefined after `ms`
   * (still queued: Temporal is down, or another API process delivers it).
   */
  waitForDelivery(alertId: string, ms: number): Promise<Delivery | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.set(alertId, (this.waiters.get(alertId) ?? []).filter((w) => w !== done));
        resolve(undefined);
      }, ms);
      const done = (delivery: Delivery) => {
        clearTimeout(timer);
        resolve(delivery);
      };
      this.waiters.set(alertId, [...(this.waiters.get(alertId) ?? []), done]);
    });
  }

  /** Starts a dispatch pass now (or right after the one running). */
  kick(): void {
    this.dispatcher.kick();
  }

  /** Hands over the oldest waiting alert of each incident; returns how many were claimed. */
  private async pass(): Promise<number> {
    const claimed = await this.em.getConnection().execute<ClaimedRow[]>(
      `with ready as (
         select a.id from alert_inbox a
          where a.delivered_at is null and a.next_attempt_at <= now()
            and not exists (select 1 from alert_inbox b where b.workflow_id = a.workflow_id and b.delivered_at is null and b.id < a.id)
          order by a.id limit ${BATCH}
          for update of a skip locked)
       update alert_inbox i set attempts = i.attempts + 1, next_attempt_at = now() + interval '30 seconds'
         from ready where i.id = ready.id
       returning i.id, i.alert_id, i.workflow_id, i.status, i.signal, i.attempts`,
    );
    if (claimed.length === 0) return 0;
    const results = await Promise.all(claimed.map((row) => this.deliver(row)));
    const failed = results.filter((r): r is Error => r instanceof Error);
    if (failed.length > 0) {
      // One line per outage, not one per alert and retry.
      if (!this.failingSince) {
        this.failingSince = Date.now();
        this.logger.warn(`Temporal does not take alerts (${failed[0].message}); they wait in the inbox and are handed over when it is back`);
      }
      return 0; // the rest waits for its backoff
    }
    if (this.failingSince) {
      this.logger.log(`Temporal takes alerts again after ${((Date.now() - this.failingSince) / 1000).toFixed(1)} s`);
      this.failingSince = 0;
    }
    return claimed.length;
  }

  private async deliver(row: ClaimedRow): Promise<Delivery | Error> {
    let delivery: Delivery;
    try {
      delivery = row.status === 'resolved' ? await this.deliverResolution(row) : await this.deliverFiring(row);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const backoff = Math.min(2 ** Math.max(0, row.attempts - 1), MAX_BACKOFF_SECONDS);
      await this.em.getConnection().execute(
        `update alert_inbox set last_error = ?, next_attempt_at = now() + make_interval(secs => ?) where id = ?`,
        [message.slice(0, 500), backoff, row.id],
      ).catch(() => undefined); // PostgreSQL down too: the claim expires and the alert is tried again
      return error instanceof Error ? error : new Error(message);
    }
    await this.em.getConnection().execute(
      'update alert_inbox set delivered_at = now(), outcome = ?, run_id = ?, last_error = null where id = ?',
      [delivery.outcome, delivery.runId, row.id],
    );
    for (const waiter of this.waiters.get(row.alert_id) ?? []) waiter(delivery);
    this.waiters.delete(row.alert_id);
    return delivery;
  }

  /**
   * A hand-over gives up after a while (the alert stays in the inbox and is tried again): the
   * client would otherwise retry a call to a dead server for long, holding up the next pass and
   * the shutdown.
   */
  private withinHandOverTime<T>(call: () => Promise<T>): Promise<T> {
    return this.temporal.connection.withDeadline(Date.now() + HAND_OVER_DEADLINE_MS, call);
  }

  /** Opening and joining are one atomic step on a workflow id from host and alert name. */
  private async deliverFiring(row: ClaimedRow): Promise<Delivery> {
    const alert = row.signal;
    const input: IncidentInput = {
      source: 'alert', hostname: alert.hostname, alertName: alert.alertName, subject: `${alert.alertName}: ${alert.hostname}`.slice(0, 200),
      summary: alert.summary, severity: alert.severity as Severity, detectedAt: alert.at, reportedBy: null,
      vendorSilenceBusinessHours: this.config.sla.vendorSilenceBusinessHours,
    };
    const handle = await this.withinHandOverTime(() => signalWithStartWorkflow(this.temporal, 'incidentWorkflow', {
      workflowId: row.workflow_id, taskQueue: this.config.temporal.taskQueue, args: [input], signal: alertReceived, signalArgs: [alert],
    }));
    return { outcome: 'delivered', runId: handle.signaledRunId };
  }

  /** A resolution is recorded on the open incident; it never opens or closes one. */
  private async deliverResolution(row: ClaimedRow): Promise<Delivery> {
    const handle = this.temporal.workflow.getHandle(row.workflow_id);
    let running: boolean;
    let runId: string | null = null;
    try {
      const description = await this.withinHandOverTime(() => handle.describe());
      running = description.status.name === 'RUNNING';
      runId = description.runId;
    } catch (error) {
      if ((error as { name?: string }).name === 'WorkflowNotFoundError') return { outcome: 'ignored', runId: null };
      throw error;
    }
    if (!running) return { outcome: 'ignored', runId };
    try {
      await this.withinHandOverTime(() => handle.signal(alertReceived, row.signal));
    } catch (error) {
      if ((error as { name?: string }).name === 'WorkflowNotFoundError') return { outcome: 'ignored', runId };
      throw error;
    }
    return { outcome: 'delivered', runId };
  }
}
