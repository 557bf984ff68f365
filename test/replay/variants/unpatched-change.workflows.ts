/**
 * TEST ONLY — a "new version" of the case workflows whose incident flow starts with a short
 * timer, added WITHOUT patched(): histories of incidents that ran on the real code no longer
 * replay against it (bundled by test/replay; never registered by a real worker).
 */
import { sleep } from '@temporalio/workflow';
import { incidentWorkflow as currentIncidentWorkflow } from '../../../workflows/incident.workflow';
import type { IncidentInput, IncidentResult } from '../../../workflows/shared/contracts';

// Every other workflow type exactly as the worker registers it; incidentWorkflow below replaces the real one.
export * from '../../../workflows';

export async function incidentWorkflow(input: IncidentInput): Promise<IncidentResult> {
  await sleep('1 second'); // the change: wait a second before looking up the asset
  return currentIncidentWorkflow(input);
}
