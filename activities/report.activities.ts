import { ApplicationFailure } from '@temporalio/activity';
import type { ReportStore } from '../src/reports/report-store';
import type { ReportActivities } from '../workflows/shared/contracts';

/** The monthly report's activities (R-RPT-1..5); each is idempotent by the report id and stage. */
export function createReportActivities(deps: { reports?: ReportStore }): ReportActivities {
  const store = (): ReportStore => {
    if (!deps.reports) throw ApplicationFailure.nonRetryable('the worker has no report store', 'ReportsUnavailable');
    return deps.reports;
  };
  return {
    gatherAvailability: (input) => store().gatherAvailability(input.fromDay, input.toDay),
    gatherDailyFigures: (input) => store().gatherDailyFigures(input.fromDay, input.toDay),
    computeReportFigures: (input) => store().computeFigures(input.reportId),
    renderReport: (input) => store().render(input.reportId, input.stage),
    setReportStatus: (input) => store().setStatus(input),
    mailReport: (input) => store().mail(input.reportId),
    planScheduledReport: (input) => store().planScheduled(input.at),
  };
}
