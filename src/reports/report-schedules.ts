import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleSpec } from '@temporalio/client';
import { WORKFLOW_TYPE } from '../../workflows/shared/contracts';

export const REPORT_TIMEZONE = 'Asia/Tokyo';

/**
 * The monthly report's schedule (R-RPT-1..5): 09:00 JST on days 1–10 of every month. A Temporal
 * calendar spec cannot say "first business day", so the run itself asks the business calendar
 * (planScheduledReport) and only the first business day opens a report: a holiday or a closing day
 * added by an admin moves it without touching the schedule. Ten days cover the longest run of
 * non-business days at a month's start (New Year: 1–3 January plus a weekend).
 */
export const MONTHLY_REPORT_SPEC: ScheduleSpec = {
  calendars: [{ dayOfMonth: { start: 1, end: 10 }, hour: 9, minute: 0, second: 0, comment: 'first business day is decided by the business calendar' }],
  timezone: REPORT_TIMEZONE,
};

/** Nightly at 01:00 JST: yesterday's availability per device (the daily figures). */
export const DAILY_FIGURES_SPEC: ScheduleSpec = {
  calendars: [{ hour: 1, minute: 0, second: 0, comment: 'daily figures of the day before' }],
  timezone: REPORT_TIMEZONE,
};

export const reportScheduleIds = (taskQueue: string) => ({
  monthly: `monthly-report@${taskQueue}`,
  daily: `daily-figures@${taskQueue}`,
});

/** Creates or updates both schedules; idempotent. */
export async function ensureReportSchedules(client: Client, taskQueue: string, workflowIdPrefix: string): Promise<void> {
  const ids = reportScheduleIds(taskQueue);
  const entries = [
    { scheduleId: ids.monthly, spec: MONTHLY_REPORT_SPEC, workflowType: WORKFLOW_TYPE.monthlyReportScheduleWorkflow, workflowId: `${workflowIdPrefix}monthly-report-schedule` },
    { scheduleId: ids.daily, spec: DAILY_FIGURES_SPEC, workflowType: WORKFLOW_TYPE.dailyFiguresWorkflow, workflowId: `${workflowIdPrefix}daily-figures` },
  ];
  for (const entry of entries) {
    const action = { type: 'startWorkflow' as const, workflowType: entry.workflowType, taskQueue, args: [{}], workflowId: entry.workflowId };
    const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' as const };
    try {
      await client.schedule.create({ scheduleId: entry.scheduleId, spec: entry.spec, action, policies });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule.getHandle(entry.scheduleId).update((previous) => ({ ...previous, spec: entry.spec, action, policies }));
    }
  }
}
