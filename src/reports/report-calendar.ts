import { fromJstWall, jstWall } from '../../workflows/shared/jst';

/**
 * When the monthly report is due (R-RPT-1..5): 09:00 Japan time on the first business day of each
 * month. Pure: the business calendar comes in as a predicate, so the API, the activity and the
 * unit test all use the same computation.
 */
export const REPORT_RUN_HOUR_JST = 9;

export function firstBusinessDayOfMonth(year: number, month: number, isBusinessDay: (ymd: string) => boolean): string {
  for (let day = 1; day <= 31; day += 1) {
    const at = new Date(Date.UTC(year, month - 1, day));
    if (at.getUTCMonth() !== month - 1) break;
    const ymd = at.toISOString().slice(0, 10);
    if (isBusinessDay(ymd)) return ymd;
  }
  throw new RangeError(`${year}-${String(month).padStart(2, '0')} has no business day`);
}

/** The next report run strictly after `after`: 09:00 JST on a month's first business day. */
export function nextReportRun(after: Date, isBusinessDay: (ymd: string) => boolean): Date {
  const wall = jstWall(after);
  let year = wall.getUTCFullYear();
  let month = wall.getUTCMonth() + 1;
  for (let i = 0; i < 24; i += 1) {
    const ymd = firstBusinessDayOfMonth(year, month, isBusinessDay);
    const [y, m, d] = ymd.split('-').map(Number);
    const run = fromJstWall(y, m, d, REPORT_RUN_HOUR_JST);
    if (run.getTime() > after.getTime()) return run;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  throw new RangeError('no report run within two years');
}

/** The month a run at `at` reports on: the month before, in Japan (`2026-12-01` → `2026-11`). */
export function reportedMonth(at: Date): string {
  const wall = jstWall(at);
  return new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}
