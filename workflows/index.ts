// Every workflow type the worker registers. Workflow code only: no I/O, no Node built-ins.
export { incidentWorkflow } from './incident.workflow';
export { workRequestWorkflow } from './work-request.workflow';
export { backupWorkflow } from './backup.workflow';
export { monthlyReportWorkflow, monthlyReportScheduleWorkflow, dailyFiguresWorkflow } from './monthly-report.workflow';
