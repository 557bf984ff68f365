/**
 * The one place that turns business keys into workflow ids, so the API reaches a workflow
 * without a database lookup and two alerts for the same problem meet in the same workflow.
 */
const SAFE = /[^a-z0-9._-]+/g;

function keyPart(value: string): string {
  const normalised = value.trim().toLowerCase().replace(SAFE, '_').replace(/^_+|_+$/g, '');
  return normalised || '_';
}

export const workflowIds = {
  /** An incident opened by an alert: every firing alert with this host and name joins it while open. */
  alertIncident: (hostname: string, alertName: string, prefix = '') => `${prefix}incident:alert:${keyPart(hostname)}:${keyPart(alertName)}`,
  /** An incident reported by hand (a phone call from a department). */
  manualIncident: (requestId: string, prefix = '') => `${prefix}incident:manual:${requestId}`,
  workRequest: (requestId: string, prefix = '') => `${prefix}work-request:${requestId}`,
  /** An inquiry to the desk (R-DESK-1), by the id of its intake (API request or received mail). */
  inquiry: (intakeId: string, prefix = '') => `${prefix}inquiry:${keyPart(intakeId)}`,
};

export type CaseKind = 'incident' | 'work_request' | 'inquiry';

export function caseKindOfWorkflowId(workflowId: string): CaseKind {
  if (workflowId.includes('inquiry:')) return 'inquiry';
  return workflowId.includes('incident:') ? 'incident' : 'work_request';
}
