import { BusinessCalendar } from '../../src/calendar/business-calendar';
import { firstBusinessDayOfMonth, nextReportRun, reportedMonth } from '../../src/reports/report-calendar';
import { linearTrend, median, percentile } from '../../src/reports/figures';

/** The schedule's day (R-RPT-1..5): 09:00 JST on the first business day, which the business calendar decides. */
describe('R-RPT-1..5: the monthly report runs on the first business day of the month at 09:00 JST', () => {
  const calendar = new BusinessCalendar();
  const isBusinessDay = (d: string) => calendar.isBusinessDay(d);

  test('R-RPT-1..5: an ordinary month starts on its 1st (2026-06-01, a Monday)', () => {
    expect(firstBusinessDayOfMonth(2026, 6, isBusinessDay)).toBe('2026-06-01');
  });

  test('R-RPT-1..5: a weekend moves it (2026-11-01 is a Sunday → Monday 2 November)', () => {
    expect(firstBusinessDayOfMonth(2026, 11, isBusinessDay)).toBe('2026-11-02');
  });

  test('R-RPT-1..5: national holidays move it across Golden Week (May 2027: Sat 1, Sun 2, holidays 3–5 → Thu 6 May)', () => {
    expect(firstBusinessDayOfMonth(2027, 5, isBusinessDay)).toBe('2027-05-06');
  });

  test('R-RPT-1..5: the year-end closing moves January (1–3 January closed, 2027-01-04 is a Monday)', () => {
    expect(firstBusinessDayOfMonth(2027, 1, isBusinessDay)).toBe('2027-01-04');
  });

  test('R-RPT-1..5: a closing day added by an admin moves it too (2026-12-01 closed → 2 December)', () => {
    const withClosing = new BusinessCalendar({ extraClosingDays: new Map([['2026-12-01', { nameJa: '臨時閉庁', nameEn: 'Extra closing' }]]) });
    expect(firstBusinessDayOfMonth(2026, 12, (d) => withClosing.isBusinessDay(d))).toBe('2026-12-02');
  });

  test('R-RPT-1..5: the next run after 6 December 2026 is 09:00 JST on Monday 4 January 2027, and it reports on December', () => {
    const next = nextReportRun(new Date('2026-12-06T23:00:00Z'), isBusinessDay);
    expect(next.toISOString()).toBe('2027-01-04T00:00:00.000Z');
    expect(reportedMonth(next)).toBe('2026-12');
    // On the day itself, before 09:00 JST the run is still ahead; after it, the next month's.
    expect(nextReportRun(new Date('2026-11-01T23:59:00Z'), isBusinessDay).toISOString()).toBe('2026-11-02T00:00:00.000Z');
    expect(nextReportRun(new Date('2026-11-02T00:00:00Z'), isBusinessDay).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(nextReportRun(new Date('2027-05-05T00:00:00Z'), isBusinessDay).toISOString()).toBe('2027-05-06T00:00:00.000Z');
  });
});

describe('R-RPT-3/4: the statistics the figures use', () => {
  test('R-RPT-4: median and nearest-rank p90', () => {
    expect(median([5, 1, 3, 3])).toBe(3);
    expect(percentile([1, 3, 3, 5], 90)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(median([])).toBeNull();
  });

  test('R-RPT-3: the linear trend is least squares', () => {
    const t = linearTrend([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]);
    expect(t).toEqual({ slope: 2, intercept: 1 });
    expect(linearTrend([{ x: 1, y: 1 }])).toBeNull();
  });
});
