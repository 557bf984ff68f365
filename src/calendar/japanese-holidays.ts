/**
 * Japanese national holidays (国民の祝日, 振替休日, 国民の休日) for R-HOURS-1.
 *
 * The data comes from the maintained dataset shipped in the npm package
 * `@holiday-jp/holiday_jp` (generated from https://github.com/holiday-jp/holiday_jp).
 * Nothing is typed in by hand here: updating the package updates the holidays.
 *
 * Dataset shape: `holidays` is a record keyed by 'YYYY-MM-DD' whose values are
 * `{ date, week, week_en, name, name_en }`. It includes substitute holidays
 * (name "… 振替休日", name_en "Holiday in lieu") and citizens' holidays
 * (name "休日", name_en "Citizen's Holiday"), and one-off holidays
 * (e.g. 即位礼正殿の儀 2019-10-22).
 *
 * Coverage (package 2.5.1): 1970-01-01 … 2050-11-23, i.e. the years 1970–2050.
 * Note that years beyond the current Cabinet Office announcement are the
 * dataset's projections (the equinox days are officially fixed only in February
 * of the previous year, and special holidays can be enacted by law). If that
 * ever matters, add/override days through `BusinessCalendar`'s
 * `extraClosingDays` or pass a custom `nationalHolidays` map.
 *
 * This module performs no I/O beyond the (synchronous, one-off) `require` of
 * the dataset, and results are cached.
 */
import * as holidayJp from '@holiday-jp/holiday_jp';

export interface HolidayName {
  /** Japanese name as given by the dataset, e.g. "元日", "こどもの日 振替休日", "休日". */
  readonly nameJa: string;
  /** English name as given by the dataset, e.g. "New Year's Day", "Holiday in lieu". */
  readonly nameEn: string;
}

export interface HolidayYearRange {
  /** First calendar year fully covered by the dataset. */
  readonly firstYear: number;
  /** Last calendar year fully covered by the dataset. */
  readonly lastYear: number;
}

interface RawHoliday {
  date: string;
  name: string;
  name_en: string;
}

const YMD_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

let cachedHolidays: ReadonlyMap<string, HolidayName> | undefined;
let cachedRange: HolidayYearRange | undefined;

function load(): void {
  const raw = (holidayJp as unknown as { holidays: Record<string, RawHoliday> }).holidays;
  if (raw === null || typeof raw !== 'object') {
    throw new Error('@holiday-jp/holiday_jp: holiday dataset not found');
  }
  const keys = Object.keys(raw).sort();
  if (keys.length === 0) {
    throw new Error('@holiday-jp/holiday_jp: holiday dataset is empty');
  }
  const map = new Map<string, HolidayName>();
  const years = new Set<number>();
  for (const key of keys) {
    const entry = raw[key];
    if (!YMD_RE.test(key) || entry === null || typeof entry !== 'object' || entry.date !== key) {
      throw new Error(`@holiday-jp/holiday_jp: malformed holiday entry ${JSON.stringify(key)}`);
    }
    if (typeof entry.name !== 'string' || entry.name === '' || typeof entry.name_en !== 'string' || entry.name_en === '') {
      throw new Error(`@holiday-jp/holiday_jp: holiday ${key} has no name`);
    }
    map.set(key, Object.freeze({ nameJa: entry.name, nameEn: entry.name_en }));
    years.add(Number(key.slice(0, 4)));
  }
  const firstYear = Number(keys[0].slice(0, 4));
  const lastYear = Number(keys[keys.length - 1].slice(0, 4));
  // Every year has at least New Year's Day, so a gap would mean a broken dataset.
  for (let y = firstYear; y <= lastYear; y++) {
    if (!years.has(y)) {
      throw new Error(`@holiday-jp/holiday_jp: dataset has no holidays for ${y}`);
    }
  }
  cachedHolidays = map;
  cachedRange = Object.freeze({ firstYear, lastYear });
}

/**
 * All national holidays of the dataset, keyed by JST calendar date 'YYYY-MM-DD',
 * in ascending date order. Built once and cached; treat it as immutable.
 */
export function nationalHolidays(): ReadonlyMap<string, HolidayName> {
  if (cachedHolidays === undefined) load();
  return cachedHolidays as ReadonlyMap<string, HolidayName>;
}

/** The calendar years covered by {@link nationalHolidays} (1970–2050 for package 2.5.1). */
export function nationalHolidayYearRange(): HolidayYearRange {
  if (cachedRange === undefined) load();
  return cachedRange as HolidayYearRange;
}
