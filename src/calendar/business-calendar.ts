/**
 * Business calendar of the authority (R-HOURS-1).
 *
 * Pure logic: no I/O, no clock (never reads Date.now()), no framework. Safe to
 * call from Temporal activities and from NestJS services alike.
 *
 * Time zone: Asia/Tokyo, a fixed UTC+09:00 without DST. All arithmetic is done
 * on epoch milliseconds shifted by +9 h; the process time zone (TZ) is never
 * consulted (no Date#getHours/getDate/..., no local-time parsing).
 *
 * Definitions
 * - A *business day* is a JST calendar date that is not a Saturday or Sunday,
 *   not a national holiday (dataset of `@holiday-jp/holiday_jp`, see
 *   ./japanese-holidays), not inside the authority's closing period
 *   (default 12-29 … 01-03 inclusive) and not an extra closing day added as data.
 * - *Reception hours* are [open, close) on business days, default 08:30–17:15,
 *   open inclusive, close exclusive.
 * - *Business time* is the total length of reception hours. It is measured in
 *   milliseconds internally; the *Seconds* APIs convert exactly (÷/× 1000), so
 *   for instants on whole seconds every result is an exact integer of seconds.
 */
import { HolidayName, HolidayYearRange, nationalHolidayYearRange, nationalHolidays } from './japanese-holidays';
import { JST_OFFSET_MINUTES, JST_OFFSET_MS } from '../../workflows/shared/jst';

export type { HolidayName, HolidayYearRange } from './japanese-holidays';

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

/** Offset of Japan Standard Time from UTC, in minutes (fixed, no DST): from the one JST helper. */
export { JST_OFFSET_MINUTES };
/** Default opening time of the reception: 08:30, as minutes since midnight. */
export const DEFAULT_OPEN_MINUTES = 8 * 60 + 30; // 510
/** Default closing time of the reception: 17:15, as minutes since midnight. */
export const DEFAULT_CLOSE_MINUTES = 17 * 60 + 15; // 1035

/** Default closing period of the authority (年末年始休業, 29 Dec – 3 Jan inclusive). */
export const DEFAULT_CLOSING_PERIOD: ClosingPeriod = Object.freeze({
  from: '12-29',
  to: '01-03',
  nameJa: '年末年始休業',
  nameEn: 'Year-end and New Year holidays',
});

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
/**
 * Upper bound on consecutive non-business days we scan before concluding that
 * the configuration has no business day at all (e.g. a closing period covering
 * the whole year) instead of looping forever.
 */
const MAX_CONSECUTIVE_CLOSED_DAYS = 3_660;

const YMD_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MD_RE = /^(\d{2})-(\d{2})$/;
const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** ISO 8601 instant with an explicit offset (Z or ±hh:mm); no local-time strings. */
const ISO_INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

/**
 * An instant: a JS Date, or an ISO 8601 string that carries an explicit offset
 * ('2026-05-01T10:00:00+09:00', '2026-05-01T01:00:00.000Z'). Strings without an
 * offset are rejected because JS would interpret them in the process time zone.
 */
export type Instant = Date | string;

export type DayKind = 'weekend' | 'national_holiday' | 'closing_day';

export interface DayDescription {
  readonly kind: DayKind;
  readonly nameJa: string;
  readonly nameEn: string;
}

/**
 * A yearly closing period given as month-day bounds, both inclusive. If `from`
 * is later in the year than `to` (e.g. '12-29' … '01-03') the period wraps the
 * year end. '02-29' is accepted and only matches in leap years.
 */
export interface ClosingPeriod {
  readonly from: string; // 'MM-DD'
  readonly to: string; // 'MM-DD'
  readonly nameJa: string;
  readonly nameEn: string;
}

export interface BusinessCalendarOptions {
  /** Opening time in minutes since JST midnight (default 510 = 08:30). */
  readonly openMinutes?: number;
  /** Closing time in minutes since JST midnight, exclusive (default 1035 = 17:15). */
  readonly closeMinutes?: number;
  /** National holidays keyed by 'YYYY-MM-DD' (default: the @holiday-jp dataset). */
  readonly nationalHolidays?: ReadonlyMap<string, HolidayName>;
  /**
   * Years for which `nationalHolidays` is known to be complete. Looking at a day
   * outside this range throws a RangeError instead of silently treating it as
   * holiday-free. Default: the dataset's range when `nationalHolidays` is not
   * given, otherwise `null` (no check).
   */
  readonly holidayCoverage?: HolidayYearRange | null;
  /** Yearly closing period (default 12-29 … 01-03); `null` for none. */
  readonly closingPeriod?: ClosingPeriod | null;
  /** Additional closing days keyed by 'YYYY-MM-DD', maintained as data by an admin. */
  readonly extraClosingDays?: ReadonlyMap<string, HolidayName>;
}

/**
 * A holiday or closing day as listed by {@link BusinessCalendar.nonBusinessDays}.
 * Plain weekends are not listed; `onWeekend` tells whether a listed day also
 * falls on a Saturday or Sunday.
 */
export interface NonBusinessDay {
  readonly date: string; // 'YYYY-MM-DD'
  readonly kind: Exclude<DayKind, 'weekend'>;
  readonly nameJa: string;
  readonly nameEn: string;
  readonly onWeekend: boolean;
}

export interface ReceptionWindow {
  readonly opensAt: Date;
  readonly closesAt: Date;
}

// ---------------------------------------------------------------------------
// Pure JST helpers (exported)
// ---------------------------------------------------------------------------

/** The JST calendar date ('YYYY-MM-DD') of an instant. */
export function jstDate(at: Instant): string {
  return ymdOfDay(dayIndexOf(toMs(at, 'at')));
}

/** Formats an instant as an ISO 8601 string in JST, e.g. '2027-01-05T17:15:00+09:00'. */
export function formatJst(at: Instant): string {
  const ms = toMs(at, 'at');
  const iso = new Date(ms + JST_OFFSET_MS).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  const base = ms % 1000 === 0 ? iso.slice(0, 19) : iso.slice(0, 23);
  return `${base}+09:00`;
}

/** Day of the week of a 'YYYY-MM-DD' date: 0 = Sunday … 6 = Saturday. */
export function weekdayOf(ymd: string): number {
  return weekdayOfDay(dayOfYmd(ymd));
}

// ---------------------------------------------------------------------------
// Internal day arithmetic (days are integers: JST days since 1970-01-01)
// ---------------------------------------------------------------------------

function toMs(at: Instant, what: string): number {
  let ms: number;
  if (at instanceof Date) {
    ms = at.getTime();
  } else if (typeof at === 'string') {
    if (!ISO_INSTANT_RE.test(at)) {
      throw new RangeError(`${what}: expected an ISO 8601 instant with an offset, got ${JSON.stringify(at)}`);
    }
    ms = Date.parse(at);
  } else {
    throw new TypeError(`${what}: expected a Date or an ISO 8601 string`);
  }
  if (!Number.isFinite(ms)) {
    throw new RangeError(`${what}: invalid date`);
  }
  return ms;
}

function dayIndexOf(ms: number): number {
  return Math.floor((ms + JST_OFFSET_MS) / MS_PER_DAY);
}

function dayStartMs(day: number): number {
  return day * MS_PER_DAY - JST_OFFSET_MS;
}

function weekdayOfDay(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((day + 4) % 7) + 7) % 7;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function ymdOfDay(day: number): string {
  const d = new Date(day * MS_PER_DAY);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

function dayOfYmd(ymd: string): number {
  const m = typeof ymd === 'string' ? YMD_RE.exec(ymd) : null;
  if (m === null) {
    throw new RangeError(`expected a date 'YYYY-MM-DD', got ${JSON.stringify(ymd)}`);
  }
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const day = Math.round(d.getTime() / MS_PER_DAY);
  if (ymdOfDay(day) !== ymd) {
    throw new RangeError(`not a valid calendar date: ${ymd}`);
  }
  return day;
}

/** Month-day as a comparable number, e.g. '12-29' → 1229; validates the value. */
function parseMonthDay(md: string, what: string): number {
  const m = typeof md === 'string' ? MD_RE.exec(md) : null;
  if (m === null) {
    throw new RangeError(`${what}: expected 'MM-DD', got ${JSON.stringify(md)}`);
  }
  const month = Number(m[1]);
  const dayOfMonth = Number(m[2]);
  // 2000 is a leap year, so '02-29' is accepted.
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > daysInMonth) {
    throw new RangeError(`${what}: not a valid month-day: ${md}`);
  }
  return month * 100 + dayOfMonth;
}

function checkName(value: HolidayName, what: string): DayNames {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof value.nameJa !== 'string' ||
    value.nameJa === '' ||
    typeof value.nameEn !== 'string' ||
    value.nameEn === ''
  ) {
    throw new RangeError(`${what}: nameJa and nameEn must be non-empty strings`);
  }
  return { nameJa: value.nameJa, nameEn: value.nameEn };
}

interface DayNames {
  nameJa: string;
  nameEn: string;
}

const SATURDAY: DayDescription = Object.freeze({ kind: 'weekend', nameJa: '土曜日', nameEn: 'Saturday' });
const SUNDAY: DayDescription = Object.freeze({ kind: 'weekend', nameJa: '日曜日', nameEn: 'Sunday' });

// ---------------------------------------------------------------------------
// BusinessCalendar
// ---------------------------------------------------------------------------

/**
 * Immutable business calendar. The maps passed in are copied at construction,
 * so later changes to them do not affect an existing instance (build a new
 * calendar when the admin data changes).
 *
 * When a day is non-business for several reasons, {@link describeDay} reports
 * the most specific one, in this order: national holiday, extra closing day,
 * closing period, weekend.
 */
export class BusinessCalendar {
  readonly openMinutes: number;
  readonly closeMinutes: number;
  readonly closingPeriod: ClosingPeriod | null;
  readonly holidayCoverage: HolidayYearRange | null;

  private readonly openOffsetMs: number;
  private readonly closeOffsetMs: number;
  private readonly holidays: ReadonlyMap<string, HolidayName>;
  private readonly extraClosingDays: ReadonlyMap<string, DayNames>;
  private readonly closingFrom: number; // MMDD
  private readonly closingTo: number; // MMDD
  private readonly dayCache = new Map<number, DayDescription | null>();

  constructor(options: BusinessCalendarOptions = {}) {
    const open = options.openMinutes ?? DEFAULT_OPEN_MINUTES;
    const close = options.closeMinutes ?? DEFAULT_CLOSE_MINUTES;
    if (!Number.isInteger(open) || !Number.isInteger(close) || open < 0 || close > 24 * 60 || open >= close) {
      throw new RangeError(
        `reception hours must be integer minutes with 0 <= openMinutes < closeMinutes <= 1440, got ${open}–${close}`,
      );
    }
    this.openMinutes = open;
    this.closeMinutes = close;
    this.openOffsetMs = open * MS_PER_MINUTE;
    this.closeOffsetMs = close * MS_PER_MINUTE;

    if (options.nationalHolidays === undefined) {
      this.holidays = nationalHolidays(); // cached, immutable by contract
      this.holidayCoverage = options.holidayCoverage === undefined ? nationalHolidayYearRange() : options.holidayCoverage;
    } else {
      const copy = new Map<string, HolidayName>();
      for (const [ymd, names] of options.nationalHolidays) {
        dayOfYmd(ymd);
        copy.set(ymd, Object.freeze(checkName(names, `nationalHolidays[${ymd}]`)));
      }
      this.holidays = copy;
      this.holidayCoverage = options.holidayCoverage ?? null;
    }
    if (this.holidayCoverage !== null) {
      const { firstYear, lastYear } = this.holidayCoverage;
      if (!Number.isInteger(firstYear) || !Number.isInteger(lastYear) || firstYear > lastYear) {
        throw new RangeError(`holidayCoverage: invalid year range ${firstYear}–${lastYear}`);
      }
      this.holidayCoverage = Object.freeze({ firstYear, lastYear });
    }

    const period = options.closingPeriod === undefined ? DEFAULT_CLOSING_PERIOD : options.closingPeriod;
    if (period === null) {
      this.closingPeriod = null;
      this.closingFrom = -1;
      this.closingTo = -1;
    } else {
      this.closingFrom = parseMonthDay(period.from, 'closingPeriod.from');
      this.closingTo = parseMonthDay(period.to, 'closingPeriod.to');
      const names = checkName(period, 'closingPeriod');
      this.closingPeriod = Object.freeze({ from: period.from, to: period.to, ...names });
    }

    const extra = new Map<string, DayNames>();
    for (const [ymd, names] of options.extraClosingDays ?? []) {
      dayOfYmd(ymd);
      extra.set(ymd, checkName(names, `extraClosingDays[${ymd}]`));
    }
    this.extraClosingDays = extra;
  }

  // ----- days -------------------------------------------------------------

  /** Whether the JST date 'YYYY-MM-DD' is a business day. */
  isBusinessDay(ymd: string): boolean {
    return this.dayInfo(dayOfYmd(ymd)) === null;
  }

  /** Why the date is not a business day, or `null` if it is one. */
  describeDay(ymd: string): DayDescription | null {
    return this.dayInfo(dayOfYmd(ymd));
  }

  /** Reception window of the date, or `null` if it is not a business day. */
  receptionHours(ymd: string): ReceptionWindow | null {
    const day = dayOfYmd(ymd);
    if (this.dayInfo(day) !== null) return null;
    return { opensAt: new Date(this.openMs(day)), closesAt: new Date(this.closeMs(day)) };
  }

  /** The first business day strictly after the date. */
  nextBusinessDay(ymd: string): string {
    return ymdOfDay(this.nextBusinessDayAfter(dayOfYmd(ymd)));
  }

  /**
   * National holidays and closing days (closing period and extra closing days)
   * of the calendar year, sorted by date. Plain Saturdays/Sundays are NOT listed;
   * a listed day that also falls on a weekend has `onWeekend: true`.
   */
  nonBusinessDays(year: number): NonBusinessDay[] {
    if (!Number.isInteger(year) || year < 0 || year > 9999) {
      throw new RangeError(`year must be an integer in 0..9999, got ${year}`);
    }
    const first = dayOfYmd(`${pad(year, 4)}-01-01`);
    const last = dayOfYmd(`${pad(year, 4)}-12-31`);
    const out: NonBusinessDay[] = [];
    for (let day = first; day <= last; day++) {
      const info = this.dayInfo(day);
      if (info === null || info.kind === 'weekend') continue;
      const wd = weekdayOfDay(day);
      out.push({ date: ymdOfDay(day), kind: info.kind, nameJa: info.nameJa, nameEn: info.nameEn, onWeekend: wd === 0 || wd === 6 });
    }
    return out;
  }

  // ----- instants ---------------------------------------------------------

  /** Whether the instant is within reception hours (open inclusive, close exclusive) of a business day. */
  isWithinReceptionHours(at: Instant): boolean {
    const ms = toMs(at, 'at');
    const day = dayIndexOf(ms);
    return this.dayInfo(day) === null && ms >= this.openMs(day) && ms < this.closeMs(day);
  }

  /** `at` itself if within reception hours, otherwise the next opening (business day 08:30). */
  nextOpening(at: Instant): Date {
    return new Date(this.nextOpeningMs(toMs(at, 'at')));
  }

  /**
   * Due instant: closing time (17:15) of the n-th business day after the
   * effective receipt day. The effective receipt is `nextOpening(from)`, so a
   * request received outside reception hours counts from the next opening, whose
   * day is day 0. n = 0 gives the closing time of the effective receipt day.
   */
  deadline(from: Instant, businessDays: number): Date {
    if (typeof businessDays !== 'number' || !Number.isInteger(businessDays) || businessDays < 0) {
      throw new RangeError(`businessDays must be a non-negative integer, got ${String(businessDays)}`);
    }
    let day = dayIndexOf(this.nextOpeningMs(toMs(from, 'from')));
    for (let i = 0; i < businessDays; i++) {
      day = this.nextBusinessDayAfter(day);
    }
    return new Date(this.closeMs(day));
  }

  /**
   * Business time within [a, b) in milliseconds (0 if b <= a). Exact; the
   * primitive behind {@link businessSecondsBetween}.
   */
  businessMillisecondsBetween(a: Instant, b: Instant): number {
    const aMs = toMs(a, 'a');
    const bMs = toMs(b, 'b');
    if (bMs <= aMs) return 0;
    const lastDay = dayIndexOf(bMs);
    let total = 0;
    for (let day = dayIndexOf(aMs); day <= lastDay; day++) {
      if (this.dayInfo(day) !== null) continue;
      const lo = Math.max(aMs, this.openMs(day));
      const hi = Math.min(bMs, this.closeMs(day));
      if (hi > lo) total += hi - lo;
    }
    return total;
  }

  /**
   * Seconds of reception hours on business days within [a, b) (0 if b <= a).
   * Exact, never rounded: an integer whenever a and b are on whole seconds,
   * otherwise it carries the millisecond fraction.
   */
  businessSecondsBetween(a: Instant, b: Instant): number {
    return this.businessMillisecondsBetween(a, b) / 1000;
  }

  /**
   * The earliest instant t >= nextOpening(from) at which `ms` of business time
   * have elapsed since `from`, i.e. businessMillisecondsBetween(from, t) === ms.
   * The result always lies within [open, close] of a business day: when `ms`
   * exactly exhausts a day the result is that day's closing time (17:15), not
   * the next opening; ms = 0 gives nextOpening(from).
   */
  addBusinessMilliseconds(from: Instant, ms: number): Date {
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0) {
      throw new RangeError(`milliseconds must be a non-negative integer, got ${String(ms)}`);
    }
    let cursor = this.nextOpeningMs(toMs(from, 'from'));
    let day = dayIndexOf(cursor);
    let remaining = ms;
    // Invariant: `day` is a business day and cursor ∈ [open(day), close(day)).
    for (;;) {
      const available = this.closeMs(day) - cursor;
      if (remaining <= available) return new Date(cursor + remaining);
      remaining -= available;
      day = this.nextBusinessDayAfter(day);
      cursor = this.openMs(day);
    }
  }

  /**
   * Seconds-based variant of {@link addBusinessMilliseconds} with the same
   * semantics, so that businessSecondsBetween(from, addBusinessSeconds(from, s)) === s.
   * `seconds` must be finite and >= 0; fractions are honoured to the millisecond
   * (rounded to the nearest millisecond).
   */
  addBusinessSeconds(from: Instant, seconds: number): Date {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`seconds must be a finite number >= 0, got ${String(seconds)}`);
    }
    return this.addBusinessMilliseconds(from, Math.round(seconds * 1000));
  }

  /**
   * The given JST clock time ('HH:MM', 00:00–23:59) on the first business day
   * strictly after `from`'s JST date, e.g. "respond at 10:30 on the next
   * business day". The clock time is not required to be within reception hours.
   */
  atNextBusinessDay(from: Instant, hhmm: string): Date {
    const m = typeof hhmm === 'string' ? HHMM_RE.exec(hhmm) : null;
    if (m === null) {
      throw new RangeError(`expected a clock time 'HH:MM', got ${JSON.stringify(hhmm)}`);
    }
    const minutes = Number(m[1]) * 60 + Number(m[2]);
    const day = this.nextBusinessDayAfter(dayIndexOf(toMs(from, 'from')));
    return new Date(dayStartMs(day) + minutes * MS_PER_MINUTE);
  }

  // ----- internals --------------------------------------------------------

  private openMs(day: number): number {
    return dayStartMs(day) + this.openOffsetMs;
  }

  private closeMs(day: number): number {
    return dayStartMs(day) + this.closeOffsetMs;
  }

  private nextOpeningMs(ms: number): number {
    const day = dayIndexOf(ms);
    if (this.dayInfo(day) === null) {
      if (ms < this.openMs(day)) return this.openMs(day);
      if (ms < this.closeMs(day)) return ms;
    }
    return this.openMs(this.nextBusinessDayAfter(day));
  }

  private nextBusinessDayAfter(day: number): number {
    let d = day + 1;
    for (let scanned = 1; this.dayInfo(d) !== null; scanned++) {
      if (scanned >= MAX_CONSECUTIVE_CLOSED_DAYS) {
        throw new RangeError(`no business day within ${MAX_CONSECUTIVE_CLOSED_DAYS} days after ${ymdOfDay(day)}`);
      }
      d++;
    }
    return d;
  }

  /** `null` for a business day, otherwise why it is closed. Cached per day. */
  private dayInfo(day: number): DayDescription | null {
    const cached = this.dayCache.get(day);
    if (cached !== undefined) return cached;
    const info = this.computeDayInfo(day);
    this.dayCache.set(day, info);
    return info;
  }

  private computeDayInfo(day: number): DayDescription | null {
    const ymd = ymdOfDay(day);
    const year = Number(ymd.slice(0, 4));
    const coverage = this.holidayCoverage;
    if (coverage !== null && (year < coverage.firstYear || year > coverage.lastYear)) {
      throw new RangeError(
        `national holiday data covers ${coverage.firstYear}–${coverage.lastYear} only; cannot decide whether ${ymd} is a business day`,
      );
    }
    const holiday = this.holidays.get(ymd);
    if (holiday !== undefined) {
      return Object.freeze({ kind: 'national_holiday', nameJa: holiday.nameJa, nameEn: holiday.nameEn });
    }
    const extra = this.extraClosingDays.get(ymd);
    if (extra !== undefined) {
      return Object.freeze({ kind: 'closing_day', nameJa: extra.nameJa, nameEn: extra.nameEn });
    }
    if (this.closingPeriod !== null) {
      const md = Number(ymd.slice(5, 7)) * 100 + Number(ymd.slice(8, 10));
      const inPeriod =
        this.closingFrom <= this.closingTo
          ? md >= this.closingFrom && md <= this.closingTo
          : md >= this.closingFrom || md <= this.closingTo;
      if (inPeriod) {
        return Object.freeze({ kind: 'closing_day', nameJa: this.closingPeriod.nameJa, nameEn: this.closingPeriod.nameEn });
      }
    }
    const wd = weekdayOfDay(day);
    if (wd === 6) return SATURDAY;
    if (wd === 0) return SUNDAY;
    return null;
  }
}
