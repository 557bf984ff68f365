/**
 * R-SCHED-1: maintenance that stops a service is agreed at least one month before the work date.
 * "One month" is a calendar month in Japan time: confirmed on 15 March, the earliest work date is
 * 15 April; confirmed on 31 January, it is 28 (or 29) February.
 */
import { jstDateOf } from './jst';

export function earliestMaintenanceDate(confirmedAt: string): string {
  const [year, month, day] = jstDateOf(confirmedAt).split('-').map(Number);
  const targetMonthIndex = month; // next month, zero-based
  const y = year + Math.floor(targetMonthIndex / 12);
  const m = targetMonthIndex % 12;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return `${y}-${String(m + 1).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}

/** null when the plan may be confirmed now, else the earliest date it could start. */
export function maintenanceTooSoon(plannedStart: string, confirmedAt: string): string | null {
  const earliest = earliestMaintenanceDate(confirmedAt);
  return jstDateOf(plannedStart) >= earliest ? null : earliest;
}
