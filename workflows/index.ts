// Every workflow type the worker registers. Workflow code only: no I/O, no Node built-ins.
export { incidentWorkflow } from './incident.workflow';
export { workRequestWorkflow } from './work-request.workflow';
export { backupWorkflow } from './backup.workflow';
export { inquiryWorkflow } from './inquiry.workflow';
export { monthlyReportWorkflow, monthlyReportScheduleWorkflow, dailyFiguresWorkflow } from './monthly-report.workflow';

import type { backupWorkflow } from './backup.workflow';
import type { incidentWorkflow } from './incident.workflow';
import type { inquiryWorkflow } from './inquiry.workflow';
import type { dailyFiguresWorkflow, monthlyReportScheduleWorkflow, monthlyReportWorkflow } from './monthly-report.workflow';
import type { WorkflowSignatures, WorkflowType } from './shared/contracts';
import type { workRequestWorkflow } from './work-request.workflow';

/**
 * Compile-time only: the registered workflows are exactly the table of signatures the API starts
 * them by (workflows/shared/contracts/workflows.ts), names and arguments alike.
 */
type Registered = {
  incidentWorkflow: typeof incidentWorkflow; workRequestWorkflow: typeof workRequestWorkflow; backupWorkflow: typeof backupWorkflow;
  inquiryWorkflow: typeof inquiryWorkflow;
  monthlyReportWorkflow: typeof monthlyReportWorkflow; monthlyReportScheduleWorkflow: typeof monthlyReportScheduleWorkflow; dailyFiguresWorkflow: typeof dailyFiguresWorkflow;
};
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type RegistryMatchesContracts = [
  Assert<Same<keyof Registered, WorkflowType>>,
  Assert<Same<{ [K in WorkflowType]: Same<Registered[K], WorkflowSignatures[K]> }[WorkflowType], true>>,
];
