/**
 * Which paths of the case workflows a history went through, read from the history itself (its
 * activity inputs, Updates and signals), so the replay test can prove that the committed
 * histories still cover every path that matters, whatever their file names say.
 */
import { summarize, type JsonHistory } from '../../src/audit-history/history-json';
import { collectCalls, recordedSteps } from '../../src/audit-history/history-timeline';
import { ACTIVITY } from '../../workflows/shared/contracts';

export type PathFeature =
  | 'alert_signals' | 'vendor_escalation' | 'vendor_contact' | 'sla_warning' | 'sla_breach' | 'hold_resume' | 'rejection_loop'
  | 'maintenance' | 'urgent_consultation' | 'returned' | 'rejected' | 'withdrawn' | 'completed' | 'department_verification'
  | 'backup_completed' | 'backup_failed'
  | 'inquiry_answered' | 'inquiry_escalated' | 'inquiry_reopened' | 'inquiry_converted' | 'inquiry_linked' | 'asker_answer'
  | 'report_sent_back' | 'report_approved';

/** The paths every change to the workflows must keep replaying, per workflow type. */
export const REQUIRED_PATHS: Record<string, PathFeature[]> = {
  incidentWorkflow: ['alert_signals', 'vendor_escalation', 'vendor_contact', 'sla_breach', 'hold_resume', 'rejection_loop', 'urgent_consultation', 'completed', 'department_verification'],
  workRequestWorkflow: ['hold_resume', 'rejection_loop', 'maintenance', 'sla_breach', 'returned', 'rejected', 'withdrawn', 'completed', 'department_verification'],
  backupWorkflow: ['backup_completed', 'backup_failed'],
  inquiryWorkflow: ['sla_breach', 'inquiry_answered', 'inquiry_escalated', 'inquiry_reopened', 'inquiry_converted', 'inquiry_linked', 'asker_answer'],
  monthlyReportWorkflow: ['report_sent_back', 'report_approved'],
  // One path each: ask the calendar and maybe start the report; gather a day's figures.
  monthlyReportScheduleWorkflow: [],
  dailyFiguresWorkflow: [],
};

export function pathFeatures(history: JsonHistory): Set<PathFeature> {
  const calls = collectCalls(history);
  const features = new Set<PathFeature>();
  const templates = calls.activities.filter((a) => a.activityType === ACTIVITY.sendCaseMail).map((a) => String((a.input as { mail?: { template?: string } })?.mail?.template));
  const has = (template: string) => templates.includes(template);
  if (calls.signals.some((s) => s.name === 'alertReceived')) features.add('alert_signals');
  if (calls.signals.some((s) => s.name === 'vendorContacted')) features.add('vendor_contact');
  if (has('incident.vendor_escalation')) features.add('vendor_escalation');
  if (has('sla.warning')) features.add('sla_warning');
  if (has('sla.breach')) features.add('sla_breach');
  // The desk SLA (R-DESK-1) records its breach and mails the desk with the inquiry template.
  const steps = recordedSteps(calls);
  if (steps.some((s) => (s.input as { entry?: { kind?: string } })?.entry?.kind === 'sla_breach')) features.add('sla_breach');
  if (has('maintenance.notice')) features.add('maintenance');
  if (has('incident.urgent_consultation')) features.add('urgent_consultation');
  const names = calls.updates.filter((u) => !u.failure).map((u) => u.name);
  const decisions = calls.updates.filter((u) => u.name === 'decideReport' && !u.failure).map((u) => String((u.input as { outcome?: string })?.outcome));
  if (decisions.includes('send_back')) features.add('report_sent_back');
  if (decisions.includes('approve')) features.add('report_approved');
  if (names.includes('holdCase') && names.includes('resumeCase')) features.add('hold_resume');
  const outcomes = calls.updates.filter((u) => u.name === 'completeTask' && !u.failure).map((u) => String((u.input as { outcome?: string })?.outcome));
  if (outcomes.some((o) => o === 'not_ok' || o === 'revise' || o === 'rejected')) features.add('rejection_loop');
  if (outcomes.includes('returned')) features.add('returned');
  if (outcomes.includes('escalate')) features.add('inquiry_escalated');
  if (outcomes.includes('reopened') || calls.updates.some((u) => u.name === 'askerAnswer' && !u.failure && (u.input as { outcome?: string })?.outcome === 'reopened')) features.add('inquiry_reopened');
  if (calls.updates.some((u) => u.name === 'askerAnswer' && !u.failure)) features.add('asker_answer');
  if (steps.some((s) => (s.input as { entry?: { data?: { type?: string } } })?.entry?.data?.type === 'department_verification')) {
    features.add('department_verification');
  }
  const last = history.events[history.events.length - 1];
  if (summarize(history).workflowType === 'backupWorkflow') {
    if (last.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED') features.add('backup_completed');
    if (last.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED') features.add('backup_failed');
  }
  const result = last.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED' ? resultOf(last) : undefined;
  if (result?.resolution === 'completed') features.add('completed');
  if (result?.resolution === 'rejected') features.add('rejected');
  if (result?.resolution === 'withdrawn') features.add('withdrawn');
  if (result?.resolution === 'answered') features.add('inquiry_answered');
  if (result?.resolution === 'converted') features.add('inquiry_converted');
  if (result?.resolution === 'linked') features.add('inquiry_linked');
  return features;
}

function resultOf(event: JsonHistory['events'][number]): { resolution?: string } | undefined {
  const payload = (event.workflowExecutionCompletedEventAttributes as { result?: { payloads?: Array<{ data?: string }> } } | undefined)?.result?.payloads?.[0];
  return payload?.data ? (JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as { resolution?: string }) : undefined;
}

export function workflowTypeOf(history: JsonHistory): string {
  return summarize(history).workflowType;
}
