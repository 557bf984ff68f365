/**
 * Starting workflows by their typed name: the name picks the signature from the contracts
 * (workflows/shared/contracts/workflows.ts), so the arguments are checked against it, and no
 * workflow code is imported into the Nest app.
 */
import type { Client, WorkflowSignalWithStartOptions, WorkflowStartOptions } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { WORKFLOW_TYPE, type WorkflowSignatures, type WorkflowType } from '../../workflows/shared/contracts';

export function startWorkflow<K extends WorkflowType>(client: Client, type: K, options: WorkflowStartOptions<WorkflowSignatures[K]>) {
  return client.workflow.start<WorkflowSignatures[K]>(WORKFLOW_TYPE[type], options);
}

export function signalWithStartWorkflow<K extends WorkflowType, SignalArgs extends unknown[]>(
  client: Client,
  type: K,
  options: WorkflowSignalWithStartOptions<SignalArgs> & { signal: SignalDefinition<SignalArgs>; args: Parameters<WorkflowSignatures[K]> },
) {
  return client.workflow.signalWithStart<WorkflowSignatures[K], SignalArgs>(WORKFLOW_TYPE[type], options);
}
