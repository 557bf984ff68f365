import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { IncidentInput } from '../../workflows/shared/contracts';
import { workflowIds } from '../../workflows/shared/ids';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { Actor } from '../identity/current-user';
import { actorRef } from '../cases/cases.service';
import { CaseRegistrations } from '../temporal/case-registrations';
import { waitForCaseNumber } from '../temporal/case-start';
import { startWorkflow } from '../temporal/typed-workflows';
import type { ParsedAlert } from './alert-payload';
import { AlertInbox, type AcceptedAlert, type Delivery } from './alert-inbox.service';
import { DependencyMonitor } from '../health/dependency-monitor';
import type { ReportIncidentDto } from './dto/incident.dto';

export interface AlertOutcome {
  hostname: string;
  alertName: string;
  status: 'firing' | 'resolved';
  workflowId: string;
  caseNumber: string | null;
  /** The alert joined an open incident for the same host and alert name instead of opening one. */
  joined: boolean;
  /** A resolved alert with no open incident is only acknowledged. */
  ignored?: boolean;
  /** Accepted and kept, not yet handed to Temporal (it is down): it will be, in order. */
  queued: boolean;
  /** The same `Idempotency-Key` was accepted before; nothing new was written. */
  duplicate?: boolean;
  alertId: string;
}

/** How long the answer waits for the hand-over to Temporal before it says "queued". */
const HAND_OVER_WAIT_MS = 10_000;

@Injectable()
export class IncidentsService {
  constructor(
    private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly inbox: AlertInbox,
    private readonly dependencies: DependencyMonitor,
    private readonly registrations: CaseRegistrations,
  ) {}

  /**
   * R-FLOW-1 intake. Every alert is written to the inbox before anything else (an accepted alert
   * is never lost); the answer then waits briefly for the hand-over to Temporal so that the sender
   * sees the case number. While Temporal is down the answer comes at once: `queued: true`.
   */
  async ingestAlerts(alerts: ParsedAlert[], sourceName: string, idempotencyKey?: string): Promise<AlertOutcome[]> {
    const accepted = await this.inbox.accept(alerts, sourceName, idempotencyKey);
    const temporalUp = this.dependencies.temporalLooksReachable();
    const deliveries = accepted.map((a) => (a.duplicate || !temporalUp ? Promise.resolve(undefined) : this.inbox.waitForDelivery(a.alertId, HAND_OVER_WAIT_MS)));
    this.inbox.kick();
    return Promise.all(accepted.map(async (alert, index) => this.outcome(alerts[index], alert, await deliveries[index])));
  }

  private async outcome(alert: ParsedAlert, accepted: AcceptedAlert, delivery: Delivery | undefined): Promise<AlertOutcome> {
    const base = { hostname: alert.hostname, alertName: alert.alertName, status: alert.status, workflowId: accepted.workflowId, alertId: accepted.alertId };
    if (accepted.duplicate) {
      // The sender lost the first answer: give it the case number again.
      const state = accepted.delivered && alert.status === 'firing' ? await waitForCaseNumber(this.temporal.workflow.getHandle(accepted.workflowId)) : null;
      return { ...base, caseNumber: state?.caseNumber ?? null, joined: false, duplicate: true, queued: !accepted.delivered };
    }
    if (!delivery) return { ...base, caseNumber: null, joined: false, queued: true };
    if (delivery.outcome === 'ignored') return { ...base, caseNumber: null, joined: false, ignored: true, queued: false };
    const handle = this.temporal.workflow.getHandle(accepted.workflowId);
    if (alert.status === 'resolved') {
      const state = await waitForCaseNumber(handle);
      return { ...base, caseNumber: state?.caseNumber ?? null, joined: true, queued: false };
    }
    if (delivery.runId) {
      // The row says which alert opened the incident: no question to the workflow.
      const row = await this.registrations.waitForRow(delivery.runId);
      if (!row) return { ...base, caseNumber: null, joined: false, queued: false }; // no worker took it up within the wait
      if (row.openedByAlertId) return { ...base, caseNumber: row.caseNumber, joined: row.openedByAlertId !== accepted.alertId, queued: false };
    }
    // An incident registered before the row named its alert: ask the workflow.
    const state = await waitForCaseNumber(handle, (s) => !!s.caseNumber && !!s.openedByAlertId, delivery.runId ? this.registrations.of(delivery.runId) : {});
    return { ...base, caseNumber: state?.caseNumber ?? null, joined: state ? state.openedByAlertId !== accepted.alertId : false, queued: false };
  }

  /** An incident reported by hand (a phone call from a department, say). */
  async report(actor: Actor, body: ReportIncidentDto) {
    const workflowId = workflowIds.manualIncident(randomUUID(), this.config.temporal.workflowIdPrefix);
    const input: IncidentInput = {
      source: 'manual', hostname: body.hostname.trim().toLowerCase(), alertName: null, subject: body.subject, summary: body.summary, severity: body.severity,
      detectedAt: body.detectedAt ? new Date(body.detectedAt).toISOString() : new Date().toISOString(), reportedBy: actorRef(actor),
      vendorSilenceBusinessHours: this.config.sla.vendorSilenceBusinessHours,
    };
    try {
      const handle = await this.dependencies.humanStep(() => startWorkflow(this.temporal, 'incidentWorkflow', { workflowId, taskQueue: this.config.temporal.taskQueue, args: [input] }));
      const row = await this.registrations.waitForRow(handle.firstExecutionRunId);
      return { workflowId, caseNumber: row?.caseNumber ?? null, caseId: row?.caseId ?? null };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, caseNumber: null, caseId: null };
      throw error;
    }
  }
}
