import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { IncidentInput } from '../../workflows/incident.workflow';
import { workflowIds } from '../../workflows/shared/ids';
import { alertReceived, type AlertSignal } from '../../workflows/shared/messages';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { Actor } from '../identity/current-user';
import { actorRef } from '../cases/cases.service';
import { caseRowWritten, waitForCaseNumber } from '../temporal/case-start';
import type { ParsedAlert } from './alert-payload';
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
}

@Injectable()
export class IncidentsService {
  constructor(
    private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
  ) {}

  private registered(runId: string): () => Promise<boolean> {
    return caseRowWritten((sql, params) => this.em.getConnection().execute(sql, params), runId);
  }

  /**
   * R-FLOW-1 intake. Opening and joining are one atomic step: signal-with-start on a workflow id
   * derived from host and alert name, so simultaneous duplicates meet in one incident.
   */
  async ingestAlerts(alerts: ParsedAlert[], sourceName: string): Promise<AlertOutcome[]> {
    return Promise.all(alerts.map((alert) => this.ingestAlert(alert, sourceName)));
  }

  private async ingestAlert(alert: ParsedAlert, sourceName: string): Promise<AlertOutcome> {
    const workflowId = workflowIds.alertIncident(alert.hostname, alert.alertName, this.config.temporal.workflowIdPrefix);
    const signal: AlertSignal = {
      alertId: randomUUID(), status: alert.status, alertName: alert.alertName, hostname: alert.hostname, severity: alert.severity,
      summary: alert.summary, source: alert.source || sourceName, at: alert.detectedAt, fingerprint: alert.fingerprint,
    };
    const base = { hostname: alert.hostname, alertName: alert.alertName, status: alert.status, workflowId };
    if (alert.status === 'resolved') {
      // A resolution is recorded on the open incident; it never opens or closes one.
      const handle = this.temporal.workflow.getHandle(workflowId);
      try {
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') return { ...base, caseNumber: null, joined: false, ignored: true };
        await handle.signal(alertReceived, signal);
        const state = await waitForCaseNumber(handle);
        return { ...base, caseNumber: state?.caseNumber ?? null, joined: true };
      } catch {
        return { ...base, caseNumber: null, joined: false, ignored: true };
      }
    }
    const input: IncidentInput = {
      source: 'alert', hostname: alert.hostname, alertName: alert.alertName, subject: `${alert.alertName}: ${alert.hostname}`.slice(0, 200),
      summary: alert.summary, severity: alert.severity, detectedAt: alert.detectedAt, reportedBy: null,
      vendorSilenceBusinessHours: this.config.sla.vendorSilenceBusinessHours,
    };
    const handle = await this.temporal.workflow.signalWithStart('incidentWorkflow', {
      workflowId, taskQueue: this.config.temporal.taskQueue, args: [input], signal: alertReceived, signalArgs: [signal],
    });
    const state = await waitForCaseNumber(handle, (s) => !!s.caseNumber && !!s.openedByAlertId, { registered: this.registered(handle.signaledRunId) });
    return { ...base, caseNumber: state?.caseNumber ?? null, joined: state ? state.openedByAlertId !== signal.alertId : false };
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
      const handle = await this.temporal.workflow.start('incidentWorkflow', { workflowId, taskQueue: this.config.temporal.taskQueue, args: [input] });
      const state = await waitForCaseNumber(handle, undefined, { registered: this.registered(handle.firstExecutionRunId) });
      return { workflowId, caseNumber: state?.caseNumber ?? null, caseId: state?.caseId ?? null };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, caseNumber: null, caseId: null };
      throw error;
    }
  }
}
