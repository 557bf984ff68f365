/**
 * TEST ONLY — the same change as unpatched-change.workflows.ts, done right: behind
 * patched('audit-demo-settle-before-lookup'). Incidents started before the change (no marker in
 * their history) replay the old path; new ones record the marker and take the new path.
 */
import { patched, sleep } from '@temporalio/workflow';
import { incidentWorkflow as currentIncidentWorkflow } from '../../../workflows/incident.workflow';
import type { IncidentInput, IncidentResult } from '../../../workflows/shared/contracts';

// Every other workflow type exactly as the worker registers it; incidentWorkflow below replaces the real one.
export * from '../../../workflows';

export const PATCH_ID = 'audit-demo-settle-before-lookup';

export async function incidentWorkflow(input: IncidentInput): Promise<IncidentResult> {
  if (patched(PATCH_ID)) await sleep('1 second');
  return currentIncidentWorkflow(input);
}
