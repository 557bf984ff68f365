/**
 * For the SLA section: the latest stretch of reception hours in the past, read from the same
 * calendar rows the worker's CalendarService reads (reception hours, closing period, closing days).
 */
import { BusinessCalendar, jstDate } from '../../src/calendar/business-calendar';
import type { Stack } from './stack';

const YEAR_END = { nameJa: '年末年始閉庁日', nameEn: 'Year-end closing' };

export async function businessCalendar(stack: Stack): Promise<BusinessCalendar> {
  const [settings] = await stack.sql<{ open_minutes: number; close_minutes: number; closing_period_from: string | null; closing_period_to: string | null }>(
    'select open_minutes, close_minutes, closing_period_from, closing_period_to from calendar_settings where id = 1',
  ).catch(() => []);
  const extra = await stack.sql<{ date: string; name_ja: string; name_en: string }>('select date, name_ja, name_en from calendar_closing_day').catch(() => []);
  return new BusinessCalendar({
    openMinutes: settings?.open_minutes,
    closeMinutes: settings?.close_minutes,
    closingPeriod: settings
      ? settings.closing_period_from && settings.closing_period_to ? { from: settings.closing_period_from, to: settings.closing_period_to, ...YEAR_END } : null
      : undefined,
    extraClosingDays: new Map(extra.map((d) => [d.date, { nameJa: d.name_ja, nameEn: d.name_en }])),
  });
}

/**
 * The latest instant t such that [t, t + windowMs] lies inside one day's reception hours and
 * ends at least `marginMs` before now: detections in that stretch are "inside reception hours"
 * (R-SLA-1) and in the past, whatever the time of day the bench runs.
 */
export function latestReceptionStretch(calendar: BusinessCalendar, nowMs: number, windowMs: number, marginMs: number): Date {
  for (let back = 0; back < 40; back++) {
    const ymd = jstDate(new Date(nowMs - back * 86_400_000));
    const hours = calendar.receptionHours(ymd);
    if (!hours) continue;
    const latest = Math.min(hours.closesAt.getTime() - windowMs - 1_000, nowMs - windowMs - marginMs);
    if (latest >= hours.opensAt.getTime()) {
      const t = new Date(Math.floor(latest / 1000) * 1000);
      if (calendar.isWithinReceptionHours(t) && calendar.isWithinReceptionHours(new Date(t.getTime() + windowMs))) return t;
    }
  }
  throw new Error('no reception hours in the last 40 days: check the calendar settings');
}
