/**
 * Japan time (JST, UTC+09:00, no daylight saving), the one helper for the whole code base: the
 * workflows, the activities, the services, the mails and the audit views all read instants in
 * Japan time through these functions.
 *
 * Pure UTC arithmetic (+9 h): no Intl time zones, no process TZ, no clock. So it runs the same in
 * the workflow sandbox, in the API, in a test, under any TZ.
 */

/** Offset of Japan Standard Time from UTC (fixed, no DST). */
export const JST_OFFSET_MS = 9 * 3_600_000;
export const JST_OFFSET_MINUTES = 9 * 60;

/** The instant moved by +9 h: its `getUTC*()` fields read as the wall clock in Japan. */
export function jstWall(instant: number | string | Date): Date {
  const ms = typeof instant === 'number' ? instant : typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + JST_OFFSET_MS);
}

/** The UTC instant of a wall-clock time in Japan (month 1..12; hours and minutes may overflow like Date.UTC). */
export function fromJstWall(year: number, month: number, day: number, hours = 0, minutes = 0): Date {
  return new Date(Date.UTC(year, month - 1, day, hours, minutes) - JST_OFFSET_MS);
}

/** `2026-11-26 12:21 JST`: how instants read in timeline messages (Japan time, no DST). */
export function jstLabel(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const jst = jstWall(ms).toISOString();
  return `${jst.slice(0, 10)} ${jst.slice(11, 16)} JST`;
}

/** `YYYY-MM-DD`: the calendar date in Japan of an instant. */
export function jstDateOf(iso: string): string {
  return jstWall(iso).toISOString().slice(0, 10);
}

/** The year in Japan of an instant (case numbers count per JST year). */
export function jstYear(instant: number | string | Date): number {
  return jstWall(instant).getUTCFullYear();
}

/** `YYYY-MM-DD HH:mm`: the minute in Japan of an instant (no zone suffix). */
export function jstMinute(iso: string): string {
  return jstWall(iso).toISOString().replace('T', ' ').slice(0, 16);
}

/** ISO 8601 in Japan time with milliseconds: `2026-11-26T10:15:00.123+09:00`. */
export function jstIsoMillis(iso: string): string {
  return `${jstWall(iso).toISOString().slice(0, 23)}+09:00`;
}

// ---- For people: mails, the auditor's views ------------------------------------------------

const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const HAS_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const HAS_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** The Japan-time fields of an instant (or of a bare date). */
export interface JstParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  /** null for a date without a time. */
  time: string | null;
}

export function jstParts(iso: string): JstParts | null {
  const value = iso.trim();
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const [year, month, day] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    const at = new Date(Date.UTC(year, month - 1, day));
    if (at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return null;
    return { year, month, day, weekday: at.getUTCDay(), time: null };
  }
  if (!HAS_TIME.test(value)) return null;
  // Without an offset, Date.parse would use the process TZ: read it as Japan time instead.
  const ms = Date.parse(HAS_OFFSET.test(value) ? value : `${value}+09:00`);
  if (Number.isNaN(ms)) return null;
  const jst = jstWall(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    year: jst.getUTCFullYear(),
    month: jst.getUTCMonth() + 1,
    day: jst.getUTCDate(),
    weekday: jst.getUTCDay(),
    time: `${pad(jst.getUTCHours())}:${pad(jst.getUTCMinutes())}`,
  };
}

/** `2026年12月25日(金)` */
export const jstDateJa = (p: JstParts) => `${p.year}年${p.month}月${p.day}日(${WEEKDAYS_JA[p.weekday]})`;
/** `Fri 25 Dec 2026` */
export const jstDateEn = (p: JstParts) => `${WEEKDAYS_EN[p.weekday]} ${p.day} ${MONTHS_EN[p.month - 1]} ${p.year}`;

/** `2026-12-25T01:00:00Z` → `2026年12月25日(金) 10:00` (Japan time). Unparsable input is returned as is. */
export function formatJstJa(iso: string): string {
  const p = jstParts(iso);
  if (!p) return iso;
  return p.time === null ? jstDateJa(p) : `${jstDateJa(p)} ${p.time}`;
}

/** `2026-12-25T01:00:00Z` → `Fri 25 Dec 2026 10:00 JST`. Unparsable input is returned as is. */
export function formatJstEn(iso: string): string {
  const p = jstParts(iso);
  if (!p) return iso;
  return p.time === null ? jstDateEn(p) : `${jstDateEn(p)} ${p.time} JST`;
}
