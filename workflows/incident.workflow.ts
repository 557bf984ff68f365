import { condition, patched, setHandler } from '@temporalio/workflow';
import { calendarActivities, recordActivities } from './activity-profiles';
import { CaseEngine, type TaskResult } from './case-engine';
import { tellFollower } from './case-followers';
import { approveCompletion, notifySla, verifyWithDepartments } from './case-steps';
import { nowIso } from './clock';
import type { AssetSummary, IncidentInput, IncidentResult } from './shared/contracts';
import { alertReceived, type AlertSignal } from './shared/messages';

type Step = 'triage' | 'vendor' | 'verify_platform' | 'department_verification' | 'approval';

/**
 * R-FLOW-1 障害対応: alert → general affairs told → on site (R-SLA-1/2) → triage → maker's desk if
 * needed → platform verified → departments verify → general affairs approves.
 */
export async function incidentWorkflow(input: IncidentInput): Promise<IncidentResult> {
  const engine = new CaseEngine('incident', input.subject, input.severity);
  // Runs started since this change open their first task sooner (below). They also write once per
  // workflow task, so they do not ask for the older patch too: every patch marker costs its run a
  // TemporalChangeVersion search-attribute upsert. Runs of the older patch replay as they ran.
  const firstTaskSooner = patched('incident-first-task-sooner');
  // Runs started since this change write their record once per workflow task (CaseEngine.batchWrites).
  if (firstTaskSooner || patched('one-write-per-workflow-task')) engine.batchWrites();
  engine.install();
  const alerts: AlertSignal[] = [];
  setHandler(alertReceived, (alert) => {
    // The alert inbox hands an alert over again if it crashed before noting the first hand-over.
    if (alerts.some((seen) => seen.alertId === alert.alertId)) return;
    engine.openedByAlertId ??= alert.alertId;
    alerts.push(alert);
  });

  engine.impact = { severity: input.severity };
  // Runs started since incident-first-task-sooner ask the calendar beside the asset lookup and write
  // the on-site task in the same batch as the SLA's start, beside the first e-mail: the operators'
  // first task shows three activities after the alert instead of five.
  const [asset, earlyPlan] = await Promise.all([
    recordActivities.lookupAsset({ hostname: input.hostname }),
    firstTaskSooner ? calendarActivities.planSla({ kind: 'onsite', startAt: input.detectedAt }) : Promise.resolve(null),
  ]);
  await engine.register({
    subject: input.subject,
    occurredAt: input.detectedAt,
    severity: input.severity,
    hostname: input.hostname,
    unregisteredDevice: !asset.registered,
    departmentIds: asset.departmentIds,
    description: input.summary,
    impact: engine.impact,
    createdBy: input.reportedBy?.displayName ?? null,
  });
  const alertLog = recordAlerts(engine, alerts);

  const plan = earlyPlan ?? (await calendarActivities.planSla({ kind: 'onsite', startAt: input.detectedAt }));
  const onsiteSla = await engine.startSla(plan, (percent, at) => notifySla(engine, percent, at, plan.dueAt));
  const urgent = input.severity === 'critical' && !plan.withinReceptionHours;
  // R-SLA-2: a critical incident outside reception hours needs a decision from the authority.
  let consultation: Awaited<ReturnType<CaseEngine['openTask']>> | null = null;
  let onSiteTask: Awaited<ReturnType<CaseEngine['openTask']>> | null = null;
  if (firstTaskSooner) {
    if (urgent) consultation = await engine.openTask('urgent_consultation');
    onSiteTask = await engine.openTask('acknowledge', { dueAt: plan.dueAt });
  }
  await engine.mailInBackground('received', {
    template: 'incident.received', caseNumber: engine.caseNumber!, caseSubject: input.subject, hostname: input.hostname, severity: input.severity,
    detectedAt: input.detectedAt, summary: input.summary, unregisteredDevice: !asset.registered, onsiteDueAt: plan.dueAt,
    businessSystems: asset.businessSystems, departments: asset.departmentNames,
  }, [{ role: 'general_affairs' }], [{ role: 'operators' }]);
  await tellFollower(engine, input.follower, 'opened');

  if (urgent) {
    if (!firstTaskSooner) consultation = await engine.openTask('urgent_consultation');
    await engine.mail('urgent', {
      template: 'incident.urgent_consultation', caseNumber: engine.caseNumber!, caseSubject: input.subject,
      detectedAt: input.detectedAt, severity: input.severity, summary: input.summary,
    }, [{ role: 'general_affairs' }], [{ role: 'operators' }]);
  }

  const onSite = onSiteTask ? await engine.completionOf(onSiteTask) : await engine.humanTask('acknowledge', { dueAt: plan.dueAt });
  engine.sla!.stop();
  // Once someone is on site the out-of-hours question is answered; histories from before this
  // change left it open, hence the patch.
  if (consultation && patched('cancel-consultation-when-on-site')) {
    await engine.cancelTasks([consultation], '運用保守事業者が現地で対応を開始したため', 'an operator is on site');
  }
  await engine.setStatus('in_progress', onSite.actor, { assignee: onSite.actor.displayName, assigneeUsername: onSite.actor.username, sla: engine.sla!.view() });

  let step: Step = 'triage';
  let triage: TaskResult | null = null;
  let approval: TaskResult | null = null;
  while (!approval) {
    switch (step) {
      case 'triage': {
        triage = await engine.humanTask('triage');
        engine.impact = { ...engine.impact, scope: String(triage.data.impactScope), serviceStopped: triage.data.serviceStopped === true };
        await engine.record('impact', {
          kind: 'note', actor: triage.actor.displayName, actorUsername: triage.actor.username,
          messageJa: `切り分け結果: ${String(triage.data.findings)}（影響範囲: ${engine.impact.scope}、サービス停止: ${engine.impact.serviceStopped ? 'あり' : 'なし'}）`,
          messageEn: `Triage: ${String(triage.data.findings)} (impact: ${engine.impact.scope}; service stopped: ${engine.impact.serviceStopped ? 'yes' : 'no'})`,
        }, { patch: { impact: engine.impact } });
        step = triage.outcome === 'needs_vendor' ? 'vendor' : 'verify_platform';
        break;
      }
      case 'vendor': {
        await escalateToVendor(engine, input, asset, triage!);
        step = 'verify_platform';
        break;
      }
      case 'verify_platform': {
        const verified = await engine.humanTask('verify_platform');
        if (verified.outcome === 'not_ok') {
          step = 'triage';
          break;
        }
        await engine.mailInBackground('recovered', {
          template: 'incident.recovered', caseNumber: engine.caseNumber!, caseSubject: input.subject, verifiedBy: verified.actor.displayName, note: verified.note ?? undefined,
        }, [{ role: 'general_affairs' }]);
        await tellFollower(engine, input.follower, 'resolved', { summary: triage ? String(triage.data.findings) : undefined });
        step = 'department_verification';
        break;
      }
      case 'department_verification': {
        const passed = await verifyWithDepartments(engine, asset.departmentIds, input.subject, 'incident', `${input.hostname}: ${typeof triage?.data.findings === 'string' ? triage.data.findings : input.summary}`,
          Object.fromEntries(asset.departmentIds.map((id, i) => [id, asset.departmentNames[i] ?? id])));
        step = passed ? 'approval' : 'triage';
        if (!passed) await engine.setStatus('in_progress');
        break;
      }
      case 'approval': {
        approval = await approveCompletion(engine);
        if (!approval) step = 'verify_platform';
        break;
      }
    }
  }

  const completedAt = nowIso();
  await engine.close('completed', { approver: approval.actor.displayName, completedAt });
  await engine.mail('completed', {
    template: 'case.completed', caseNumber: engine.caseNumber!, caseSubject: input.subject, kind: 'incident', approver: approval.actor.displayName, completedAt,
    summary: triage ? String(triage.data.findings) : undefined,
  }, [{ role: 'general_affairs' }, { role: 'operators' }, ...asset.departmentIds.map((departmentId) => ({ departmentId }))]);
  await tellFollower(engine, input.follower, 'closed', { resolution: 'completed', summary: triage ? String(triage.data.findings) : undefined });
  await Promise.all([onsiteSla.running, alertLog]);
  await engine.finish();
  return { caseNumber: engine.caseNumber!, resolution: 'completed' };
}

/** Alerts for the same host and alert name join the open incident: a timeline entry and a counter. */
async function recordAlerts(engine: CaseEngine, alerts: AlertSignal[]): Promise<void> {
  let index = 0;
  for (;;) {
    await condition(() => alerts.length > index || engine.closed);
    if (alerts.length <= index) return;
    const alert = alerts[index++];
    if (alert.status === 'firing') engine.alertCount += 1;
    await engine.record(`alert-${index}`, {
      kind: 'alert',
      actor: alert.source,
      messageJa: `${alert.status === 'firing' ? '警報を受信' : '警報の解消を受信'}: ${alert.alertName} @ ${alert.hostname} — ${alert.summary}`,
      messageEn: `${alert.status === 'firing' ? 'Alert firing' : 'Alert resolved'}: ${alert.alertName} @ ${alert.hostname} — ${alert.summary}`,
      data: { ...alert },
    }, { patch: alert.status === 'firing' ? { alertCountIncrement: 1 } : {} });
    await engine.flush();
  }
}

/** R-FLOW-1 / R-SCOPE-2: tell general affairs, ask the maker's desk, remind while it stays silent. */
async function escalateToVendor(engine: CaseEngine, input: IncidentInput, asset: AssetSummary, triage: TaskResult): Promise<void> {
  const vendorEmail = (triage.data.vendorEmail as string | undefined) ?? asset.vendorDesk?.email ?? null;
  const vendorName = asset.vendorDesk?.name ?? vendorEmail ?? 'メーカー保守窓口';
  await engine.record('escalation', {
    kind: 'escalation', actor: triage.actor.displayName, actorUsername: triage.actor.username,
    messageJa: `メーカー保守窓口（${vendorName}）へ修理を依頼します`, messageEn: `Escalating to the maker's desk (${vendorName})`,
    data: { vendorName, vendorEmail },
  });
  const facts = { findings: String(triage.data.findings), impactScope: String(triage.data.impactScope), serviceStopped: triage.data.serviceStopped === true };
  await engine.mail('vendor-escalation', { template: 'incident.vendor_escalation', caseNumber: engine.caseNumber!, caseSubject: input.subject, vendorName, ...facts }, [{ role: 'general_affairs' }]);
  if (vendorEmail) {
    await engine.mail('vendor-request', {
      template: 'incident.vendor_request', caseNumber: engine.caseNumber!, caseSubject: input.subject, hostname: input.hostname,
      address: asset.address ?? undefined, assetKind: asset.kind ?? undefined, ...facts,
      contactName: triage.actor.displayName, contactEmail: triage.actor.email ?? '',
    }, [{ email: vendorEmail }], [{ userId: triage.actor.userId }]);
  }
  const repair = await engine.openTask('vendor_repair');
  await remindWhileVendorSilent(engine, vendorName, input.vendorSilenceBusinessHours, () => repair.result !== undefined);
  await engine.waitUntil(() => repair.result !== undefined);
}

/** A reminder to the operators each time the maker's desk has been silent for N business hours. */
async function remindWhileVendorSilent(engine: CaseEngine, vendorName: string, hours: number, repaired: () => boolean): Promise<void> {
  let silentSince = nowIso();
  let seenContacts = engine.vendorContacts;
  let reminders = 0;
  while (!repaired()) {
    // With batchWrites, the steps waiting to be written go out beside the calendar's answer.
    const [remindAt] = await Promise.all([calendarActivities.addBusinessSeconds({ from: silentSince, seconds: hours * 3600 }), engine.flush()]);
    const interrupted = await engine.waitUntil(() => repaired() || engine.vendorContacts !== seenContacts, Math.max(0, Date.parse(remindAt) - Date.parse(nowIso())));
    if (repaired()) return;
    if (interrupted) {
      seenContacts = engine.vendorContacts;
      silentSince = nowIso();
      continue;
    }
    reminders += 1;
    await engine.mail(`vendor-silence-${reminders}`, {
      template: 'incident.vendor_silence_reminder', caseNumber: engine.caseNumber!, caseSubject: engine.subject, vendorName, silentSince, businessHours: hours,
    }, [{ role: 'operators' }]);
    await engine.record(`vendor-reminder-${reminders}`, {
      kind: 'reminder', messageJa: `メーカーからの連絡が${hours}営業時間ありません。運用保守事業者へ督促しました`, messageEn: `No word from the maker for ${hours} business hours: operators reminded`,
    });
    silentSince = remindAt;
  }
}
