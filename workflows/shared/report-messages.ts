import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ReportCommentsInput, ReportDecisionInput, ReportStateView } from './contracts';

/** Messages of the monthly report workflow, shared by the workflow and the API (R-RPT-1..5). */
export const getReportState = defineQuery<ReportStateView>('getReportState');
/** The operators' 所見 per section (task `report_comments`). */
export const submitReportComments = defineUpdate<ReportStateView, [ReportCommentsInput]>('submitReportComments');
/** General affairs approves or sends back (task `approve_report`). */
export const decideReport = defineUpdate<ReportStateView, [ReportDecisionInput]>('decideReport');

export const REPORT_COMMENT_MAX = 4000;
export const REPORT_REASON_MAX = 2000;
