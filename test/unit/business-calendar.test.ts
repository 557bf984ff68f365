import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as holidayJp from '@holiday-jp/holiday_jp';
import {
  BusinessCalendar,
  DEFAULT_CLOSE_MINUTES,
  DEFAULT_CLOSING_PERIOD,
  DEFAULT_OPEN_MINUTES,
  HolidayName,
  formatJst,
  jstDate,
  weekdayOf,
} from '../../src/calendar/business-calendar';
import { nationalHolidayYearRange, nationalHolidays } from '../../src/calendar/japanese-holidays';

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

/** A JST wall-clock time as an instant; explicit offset, so independent of TZ. */
const jst = (local: string): Date => new Date(`${local}+09:00`);

/** Compares instants by their UTC representation (independent of formatJst). */
function expectInstant(actual: Date, expectedJstLocal: string): void {
  expect(actual).toBeInstanceOf(Date);
  expect(actual.toISOString()).toBe(jst(expectedJstLocal).toISOString());
}

const HOUR = 3600;
const MINUTE = 60;
/** 08:30–17:15 = 8 h 45 min. */
const FULL_DAY = 8 * HOUR + 45 * MINUTE; // 31 500 s

/** Seeded PRNG (mulberry32) so that property tests are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cal = new BusinessCalendar();

/**
 * Random instants between 2025-01-01 and 2028-12-31 JST, biased towards the
 * interesting boundaries (opening, closing, midnight, one second around them).
 */
function randomInstant(rnd: () => number): Date {
  const start = jst('2025-01-01T00:00:00').getTime();
  const days = Math.floor(rnd() * 4 * 365);
  const dayStart = start + days * 86_400_000;
  const r = rnd();
  let offsetSec: number;
  if (r < 0.15) offsetSec = 8 * HOUR + 30 * MINUTE; // exactly opening
  else if (r < 0.3) offsetSec = 17 * HOUR + 15 * MINUTE; // exactly closing
  else if (r < 0.35) offsetSec = 0; // midnight
  else if (r < 0.45) offsetSec = 8 * HOUR + 30 * MINUTE + (rnd() < 0.5 ? -1 : 1);
  else if (r < 0.55) offsetSec = 17 * HOUR + 15 * MINUTE + (rnd() < 0.5 ? -1 : 1);
  else offsetSec = Math.floor(rnd() * 86_400);
  return new Date(dayStart + offsetSec * 1000);
}

// ---------------------------------------------------------------------------
// National holiday dataset
// ---------------------------------------------------------------------------

describe('japanese-holidays (dataset @holiday-jp/holiday_jp)', () => {
  test('R-HOURS-1: the dataset covers the years 1970–2050 and every year has New Year’s Day', () => {
    const range = nationalHolidayYearRange();
    expect(range).toEqual({ firstYear: 1970, lastYear: 2050 });
    const map = nationalHolidays();
    for (let y = range.firstYear; y <= range.lastYear; y++) {
      expect(map.get(`${y}-01-01`)).toEqual({ nameJa: '元日', nameEn: "New Year's Day" });
    }
    expect(map.has('1969-01-01')).toBe(false);
    expect(map.has('2051-01-01')).toBe(false);
  });

  test('R-HOURS-1: the map mirrors the package data (not a hand-typed table), sorted by date, and is cached', () => {
    const raw = (holidayJp as unknown as { holidays: Record<string, { name: string; name_en: string }> }).holidays;
    const map = nationalHolidays();
    expect(map.size).toBe(Object.keys(raw).length);
    expect(map.size).toBeGreaterThan(1000);
    for (const [ymd, h] of map) {
      expect(ymd).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(h).toEqual({ nameJa: raw[ymd].name, nameEn: raw[ymd].name_en });
    }
    const keys = [...map.keys()];
    expect(keys).toEqual([...keys].sort());
    expect(nationalHolidays()).toBe(map);
    expect(nationalHolidayYearRange()).toBe(nationalHolidayYearRange());
  });

  test('R-HOURS-1: Golden Week 2026 in the dataset, including the substitute holiday on Wed 6 May', () => {
    const map = nationalHolidays();
    expect(map.get('2026-04-29')?.nameJa).toBe('昭和の日');
    expect(map.get('2026-05-03')?.nameJa).toBe('憲法記念日');
    expect(map.get('2026-05-04')?.nameJa).toBe('みどりの日');
    expect(map.get('2026-05-05')?.nameJa).toBe('こどもの日');
    expect(map.get('2026-05-06')?.nameJa).toContain('振替休日');
    expect(map.get('2026-05-06')?.nameEn).toBe('Holiday in lieu');
    expect(map.has('2026-04-30')).toBe(false);
    expect(map.has('2026-05-01')).toBe(false);
    expect(map.has('2026-05-07')).toBe(false);
  });

  test('R-HOURS-1: Silver Week 2026 — citizens’ holiday Tue 22 Sep between 敬老の日 (21st) and 秋分の日 (23rd)', () => {
    const map = nationalHolidays();
    expect(map.get('2026-09-21')?.nameJa).toBe('敬老の日');
    expect(map.get('2026-09-22')).toEqual({ nameJa: '休日', nameEn: "Citizen's Holiday" });
    expect(map.get('2026-09-23')?.nameJa).toBe('秋分の日');
    expect(weekdayOf('2026-09-22')).toBe(2); // Tuesday
  });
});

// ---------------------------------------------------------------------------
// Days
// ---------------------------------------------------------------------------

describe('BusinessCalendar — days', () => {
  test('R-HOURS-1: an ordinary weekday is a business day; Saturday and Sunday are weekends', () => {
    expect(cal.isBusinessDay('2026-06-08')).toBe(true); // Mon
    expect(cal.describeDay('2026-06-08')).toBeNull();
    expect(cal.isBusinessDay('2026-06-12')).toBe(true); // Fri
    expect(cal.isBusinessDay('2026-06-13')).toBe(false);
    expect(cal.describeDay('2026-06-13')).toEqual({ kind: 'weekend', nameJa: '土曜日', nameEn: 'Saturday' });
    expect(cal.describeDay('2026-06-14')).toEqual({ kind: 'weekend', nameJa: '日曜日', nameEn: 'Sunday' });
  });

  test('R-HOURS-1: Golden Week 2026 — Apr 29 and May 3–6 are closed, Apr 30, May 1 and May 7 are open', () => {
    const expected: Record<string, boolean> = {
      '2026-04-28': true,
      '2026-04-29': false,
      '2026-04-30': true,
      '2026-05-01': true,
      '2026-05-02': false,
      '2026-05-03': false,
      '2026-05-04': false,
      '2026-05-05': false,
      '2026-05-06': false,
      '2026-05-07': true,
    };
    for (const [ymd, open] of Object.entries(expected)) {
      expect([ymd, cal.isBusinessDay(ymd)]).toEqual([ymd, open]);
    }
    expect(cal.describeDay('2026-04-29')).toEqual({ kind: 'national_holiday', nameJa: '昭和の日', nameEn: 'Showa Day' });
    // a holiday on a Sunday is reported as the holiday, not as a weekend
    expect(cal.describeDay('2026-05-03')).toMatchObject({ kind: 'national_holiday', nameJa: '憲法記念日' });
    expect(cal.describeDay('2026-05-02')).toMatchObject({ kind: 'weekend' });
    expect(cal.describeDay('2026-05-06')).toMatchObject({ kind: 'national_holiday', nameEn: 'Holiday in lieu' });
  });

  test('R-HOURS-1: Silver Week 2026 — Sat 19 to Wed 23 Sep closed, Thu 24 open', () => {
    for (const ymd of ['2026-09-19', '2026-09-20', '2026-09-21', '2026-09-22', '2026-09-23']) {
      expect([ymd, cal.isBusinessDay(ymd)]).toEqual([ymd, false]);
    }
    expect(cal.describeDay('2026-09-22')).toEqual({ kind: 'national_holiday', nameJa: '休日', nameEn: "Citizen's Holiday" });
    expect(cal.isBusinessDay('2026-09-18')).toBe(true);
    expect(cal.isBusinessDay('2026-09-24')).toBe(true);
  });

  test('R-HOURS-1: year-end closing 2026-12-29 … 2027-01-03; Jan 1 stays a national holiday', () => {
    expect(cal.isBusinessDay('2026-12-28')).toBe(true);
    for (const ymd of ['2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03']) {
      expect([ymd, cal.isBusinessDay(ymd)]).toEqual([ymd, false]);
    }
    expect(cal.isBusinessDay('2027-01-04')).toBe(true);
    expect(cal.describeDay('2026-12-29')).toEqual({ kind: 'closing_day', nameJa: '年末年始休業', nameEn: 'Year-end and New Year holidays' });
    expect(cal.describeDay('2027-01-01')).toEqual({ kind: 'national_holiday', nameJa: '元日', nameEn: "New Year's Day" });
    // Sat 2 Jan 2027 lies in the closing period: the closing period wins over "weekend"
    expect(cal.describeDay('2027-01-02')).toMatchObject({ kind: 'closing_day' });
    expect(cal.describeDay('2027-01-03')).toMatchObject({ kind: 'closing_day' });
    // the beginning-of-year part of the wrapping period also applies in January 2026
    expect(cal.isBusinessDay('2026-01-02')).toBe(false); // Fri
    expect(cal.isBusinessDay('2026-01-05')).toBe(true); // Mon
  });

  test('R-HOURS-1: leap days — 2028-02-29 (Tue) and 2024-02-29 (Thu) are business days; 2027-02-29 is rejected', () => {
    expect(weekdayOf('2028-02-29')).toBe(2);
    expect(cal.isBusinessDay('2028-02-29')).toBe(true);
    expect(cal.isBusinessDay('2024-02-29')).toBe(true);
    expect(cal.nextBusinessDay('2028-02-28')).toBe('2028-02-29');
    expect(cal.nextBusinessDay('2028-02-29')).toBe('2028-03-01');
    expect(cal.nextBusinessDay('2027-02-26')).toBe('2027-03-01');
    expect(() => cal.isBusinessDay('2027-02-29')).toThrow(RangeError);
  });

  test('R-HOURS-1: an extra closing day added as data closes an otherwise normal business day', () => {
    const extra = new Map<string, HolidayName>([
      ['2026-06-15', { nameJa: '庁舎電気設備点検', nameEn: 'Building electrical inspection' }],
    ]);
    const withExtra = new BusinessCalendar({ extraClosingDays: extra });
    expect(cal.isBusinessDay('2026-06-15')).toBe(true);
    expect(withExtra.isBusinessDay('2026-06-15')).toBe(false);
    expect(withExtra.describeDay('2026-06-15')).toEqual({
      kind: 'closing_day',
      nameJa: '庁舎電気設備点検',
      nameEn: 'Building electrical inspection',
    });
    // the calendar copied the data: later edits to the map do not leak in
    extra.set('2026-06-16', { nameJa: 'x', nameEn: 'x' });
    expect(withExtra.isBusinessDay('2026-06-16')).toBe(true);
    // a national holiday keeps its national-holiday description even if also added as extra day
    const overlap = new BusinessCalendar({
      extraClosingDays: new Map([['2026-11-03', { nameJa: '臨時休業', nameEn: 'Extra closure' }]]),
    });
    expect(overlap.describeDay('2026-11-03')).toMatchObject({ kind: 'national_holiday', nameJa: '文化の日' });
  });

  test('R-HOURS-1: the closing period is configurable (none, or a non-wrapping range, 02-29 allowed)', () => {
    const none = new BusinessCalendar({ closingPeriod: null });
    expect(none.closingPeriod).toBeNull();
    expect(none.isBusinessDay('2026-12-29')).toBe(true);
    expect(none.isBusinessDay('2027-01-01')).toBe(false); // still a national holiday
    expect(none.isBusinessDay('2027-01-04')).toBe(true);

    const obon = new BusinessCalendar({ closingPeriod: { from: '08-13', to: '08-14', nameJa: '夏季休業', nameEn: 'Summer closure' } });
    expect(obon.isBusinessDay('2026-08-12')).toBe(true);
    expect(obon.describeDay('2026-08-13')).toEqual({ kind: 'closing_day', nameJa: '夏季休業', nameEn: 'Summer closure' });
    expect(obon.isBusinessDay('2026-08-14')).toBe(false);
    expect(obon.isBusinessDay('2026-08-17')).toBe(true);
    expect(obon.isBusinessDay('2026-12-29')).toBe(true); // replaced the default period

    const leap = new BusinessCalendar({ closingPeriod: { from: '02-29', to: '02-29', nameJa: '閏日', nameEn: 'Leap day' } });
    expect(leap.isBusinessDay('2028-02-29')).toBe(false);
    expect(leap.isBusinessDay('2028-02-28')).toBe(true);
    expect(leap.isBusinessDay('2027-03-01')).toBe(true);
  });

  test('R-HOURS-1: defaults are 08:30–17:15 and 29 Dec – 3 Jan', () => {
    expect(DEFAULT_OPEN_MINUTES).toBe(510);
    expect(DEFAULT_CLOSE_MINUTES).toBe(1035);
    expect(cal.openMinutes).toBe(510);
    expect(cal.closeMinutes).toBe(1035);
    expect(cal.closingPeriod).toEqual(DEFAULT_CLOSING_PERIOD);
    expect(DEFAULT_CLOSING_PERIOD).toMatchObject({ from: '12-29', to: '01-03' });
    expect(cal.holidayCoverage).toEqual({ firstYear: 1970, lastYear: 2050 });
  });

  test('R-HOURS-1: days outside the dataset range are refused rather than guessed', () => {
    expect(() => cal.isBusinessDay('2051-01-05')).toThrow(RangeError);
    expect(() => cal.isBusinessDay('1969-12-31')).toThrow(RangeError);
    expect(() => cal.deadline(jst('2050-12-27T10:00:00'), 5)).toThrow(/covers 1970–2050/);
    expect(cal.isBusinessDay('2050-12-28')).toBe(true); // Wed, last covered year
    // with a custom holiday map there is no coverage check unless one is given
    const custom = new BusinessCalendar({ nationalHolidays: new Map(), closingPeriod: null });
    expect(custom.holidayCoverage).toBeNull();
    expect(custom.isBusinessDay('2051-01-05')).toBe(true);
    expect(custom.isBusinessDay('2026-05-04')).toBe(true); // no holidays at all
    const bounded = new BusinessCalendar({ nationalHolidays: new Map(), holidayCoverage: { firstYear: 2026, lastYear: 2026 } });
    expect(() => bounded.isBusinessDay('2027-06-01')).toThrow(RangeError);
  });

  test('R-HOURS-1: invalid configuration and inputs are rejected', () => {
    expect(() => cal.isBusinessDay('2026-6-8')).toThrow(RangeError);
    expect(() => cal.isBusinessDay('2026-13-01')).toThrow(RangeError);
    expect(() => cal.describeDay('2026-04-31')).toThrow(RangeError);
    expect(() => new BusinessCalendar({ openMinutes: 1035, closeMinutes: 510 })).toThrow(RangeError);
    expect(() => new BusinessCalendar({ openMinutes: 510.5 })).toThrow(RangeError);
    expect(() => new BusinessCalendar({ closeMinutes: 1441 })).toThrow(RangeError);
    expect(() => new BusinessCalendar({ closingPeriod: { from: '12-32', to: '01-03', nameJa: 'a', nameEn: 'b' } })).toThrow(RangeError);
    expect(() => new BusinessCalendar({ closingPeriod: { from: '1229', to: '01-03', nameJa: 'a', nameEn: 'b' } })).toThrow(RangeError);
    expect(() => new BusinessCalendar({ closingPeriod: { from: '12-29', to: '01-03', nameJa: '', nameEn: 'b' } })).toThrow(RangeError);
    expect(() => new BusinessCalendar({ extraClosingDays: new Map([['2026/06/15', { nameJa: 'a', nameEn: 'b' }]]) })).toThrow(RangeError);
    expect(() => new BusinessCalendar({ holidayCoverage: { firstYear: 2030, lastYear: 2020 } })).toThrow(RangeError);
    // a configuration without any business day fails loudly instead of looping forever
    const never = new BusinessCalendar({
      nationalHolidays: new Map(),
      closingPeriod: { from: '01-01', to: '12-31', nameJa: '休業', nameEn: 'Closed' },
    });
    expect(() => never.nextOpening(jst('2026-06-08T10:00:00'))).toThrow(RangeError);
  });

  test('R-HOURS-1: nonBusinessDays(2026) lists holidays and closing days (not plain weekends), sorted', () => {
    const list = cal.nonBusinessDays(2026);
    expect(list.map((d) => `${d.date} ${d.kind}${d.onWeekend ? ' (weekend)' : ''}`)).toEqual([
      '2026-01-01 national_holiday',
      '2026-01-02 closing_day',
      '2026-01-03 closing_day (weekend)',
      '2026-01-12 national_holiday',
      '2026-02-11 national_holiday',
      '2026-02-23 national_holiday',
      '2026-03-20 national_holiday',
      '2026-04-29 national_holiday',
      '2026-05-03 national_holiday (weekend)',
      '2026-05-04 national_holiday',
      '2026-05-05 national_holiday',
      '2026-05-06 national_holiday',
      '2026-07-20 national_holiday',
      '2026-08-11 national_holiday',
      '2026-09-21 national_holiday',
      '2026-09-22 national_holiday',
      '2026-09-23 national_holiday',
      '2026-10-12 national_holiday',
      '2026-11-03 national_holiday',
      '2026-11-23 national_holiday',
      '2026-12-29 closing_day',
      '2026-12-30 closing_day',
      '2026-12-31 closing_day',
    ]);
    expect(list[0]).toEqual({ date: '2026-01-01', kind: 'national_holiday', nameJa: '元日', nameEn: "New Year's Day", onWeekend: false });
    // every listed day is non-business, every unlisted weekday of 2026 is a business day
    const listed = new Set(list.map((d) => d.date));
    for (let t = jst('2026-01-01T12:00:00').getTime(); jstDate(new Date(t)) <= '2026-12-31'; t += 86_400_000) {
      const ymd = jstDate(new Date(t));
      const wd = weekdayOf(ymd);
      if (listed.has(ymd)) expect(cal.isBusinessDay(ymd)).toBe(false);
      else expect([ymd, cal.isBusinessDay(ymd)]).toEqual([ymd, wd !== 0 && wd !== 6]);
    }
    const withExtra = new BusinessCalendar({ extraClosingDays: new Map([['2026-06-15', { nameJa: '点検', nameEn: 'Inspection' }]]) });
    expect(withExtra.nonBusinessDays(2026).find((d) => d.date === '2026-06-15')).toEqual({
      date: '2026-06-15',
      kind: 'closing_day',
      nameJa: '点検',
      nameEn: 'Inspection',
      onWeekend: false,
    });
    expect(() => cal.nonBusinessDays(2026.5)).toThrow(RangeError);
  });

  test('R-HOURS-1: receptionHours(ymd) gives the window of a business day and null otherwise', () => {
    const w = cal.receptionHours('2026-06-08');
    expect(w).not.toBeNull();
    expectInstant(w!.opensAt, '2026-06-08T08:30:00');
    expectInstant(w!.closesAt, '2026-06-08T17:15:00');
    expect(cal.receptionHours('2026-05-04')).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// Reception hours and next opening
// ---------------------------------------------------------------------------

describe('BusinessCalendar — reception hours', () => {
  test('R-HOURS-1: reception hours are [08:30, 17:15): open inclusive, close exclusive, to the millisecond', () => {
    expect(cal.isWithinReceptionHours(jst('2026-06-08T08:29:59.999'))).toBe(false);
    expect(cal.isWithinReceptionHours(jst('2026-06-08T08:30:00'))).toBe(true);
    expect(cal.isWithinReceptionHours(jst('2026-06-08T12:00:00'))).toBe(true);
    expect(cal.isWithinReceptionHours(jst('2026-06-08T17:14:59.999'))).toBe(true);
    expect(cal.isWithinReceptionHours(jst('2026-06-08T17:15:00'))).toBe(false);
    expect(cal.isWithinReceptionHours(jst('2026-06-08T00:00:00'))).toBe(false);
  });

  test('R-HOURS-1: never within reception hours on weekends, holidays and closing days', () => {
    expect(cal.isWithinReceptionHours(jst('2026-06-13T10:00:00'))).toBe(false); // Sat
    expect(cal.isWithinReceptionHours(jst('2026-05-06T10:00:00'))).toBe(false); // 振替休日
    expect(cal.isWithinReceptionHours(jst('2026-09-22T10:00:00'))).toBe(false); // 国民の休日
    expect(cal.isWithinReceptionHours(jst('2026-12-30T10:00:00'))).toBe(false); // closing period
  });

  test('R-HOURS-1: opening and closing times are configurable', () => {
    const c = new BusinessCalendar({ openMinutes: 9 * 60, closeMinutes: 12 * 60 });
    expect(c.isWithinReceptionHours(jst('2026-06-08T08:45:00'))).toBe(false);
    expect(c.isWithinReceptionHours(jst('2026-06-08T09:00:00'))).toBe(true);
    expect(c.isWithinReceptionHours(jst('2026-06-08T12:00:00'))).toBe(false);
    expectInstant(c.deadline(jst('2026-06-08T10:00:00'), 1), '2026-06-09T12:00:00');
    expect(c.businessSecondsBetween(jst('2026-06-08T00:00:00'), jst('2026-06-09T00:00:00'))).toBe(3 * HOUR);
    expectInstant(c.nextOpening(jst('2026-06-08T13:00:00')), '2026-06-09T09:00:00');
  });

  test('R-HOURS-1: nextOpening returns the instant itself within hours, otherwise the next business day 08:30', () => {
    const inside = jst('2026-06-08T10:11:12.345');
    const same = cal.nextOpening(inside);
    expect(same.getTime()).toBe(inside.getTime());
    expect(same).not.toBe(inside); // a fresh Date, no aliasing of a mutable object
    expectInstant(cal.nextOpening(jst('2026-06-08T07:00:00')), '2026-06-08T08:30:00'); // before opening
    expectInstant(cal.nextOpening(jst('2026-06-08T00:00:00')), '2026-06-08T08:30:00'); // midnight
    expectInstant(cal.nextOpening(jst('2026-06-08T17:15:00')), '2026-06-09T08:30:00'); // exactly closing
    expectInstant(cal.nextOpening(jst('2026-06-12T18:00:00')), '2026-06-15T08:30:00'); // Fri evening
    expectInstant(cal.nextOpening(jst('2026-06-13T10:00:00')), '2026-06-15T08:30:00'); // Sat
    expectInstant(cal.nextOpening(jst('2026-04-28T18:00:00')), '2026-04-30T08:30:00'); // over Showa Day
    expectInstant(cal.nextOpening(jst('2026-05-01T17:15:00')), '2026-05-07T08:30:00'); // over Golden Week
    expectInstant(cal.nextOpening(jst('2026-09-18T20:00:00')), '2026-09-24T08:30:00'); // over Silver Week
    expectInstant(cal.nextOpening(jst('2026-12-28T17:30:00')), '2027-01-04T08:30:00'); // over year end
  });
});

// ---------------------------------------------------------------------------
// deadline
// ---------------------------------------------------------------------------

describe('BusinessCalendar — deadline', () => {
  test('R-HOURS-1: from Monday 10:00, 3 business days → Thursday 17:15', () => {
    expectInstant(cal.deadline(jst('2026-06-08T10:00:00'), 3), '2026-06-11T17:15:00');
  });

  test('R-HOURS-1: after hours (Mon 18:00) counts from Tuesday 08:30 → Friday 17:15', () => {
    expectInstant(cal.deadline(jst('2026-06-08T18:00:00'), 3), '2026-06-12T17:15:00');
    expectInstant(cal.deadline(jst('2026-06-08T17:15:00'), 3), '2026-06-12T17:15:00'); // closing instant is after hours
    expectInstant(cal.deadline(jst('2026-06-08T17:14:59'), 3), '2026-06-11T17:15:00');
  });

  test('R-HOURS-1: before opening (Mon 07:00) the same day is day 0', () => {
    expectInstant(cal.deadline(jst('2026-06-08T07:00:00'), 3), '2026-06-11T17:15:00');
    expectInstant(cal.deadline(jst('2026-06-08T08:30:00'), 3), '2026-06-11T17:15:00');
  });

  test('R-HOURS-1: from a weekend or a holiday the next opening day is day 0', () => {
    expectInstant(cal.deadline(jst('2026-06-13T10:00:00'), 1), '2026-06-16T17:15:00'); // Sat → Mon day 0 → Tue
    expectInstant(cal.deadline(jst('2026-06-14T23:59:59'), 0), '2026-06-15T17:15:00'); // Sun → Mon
    expectInstant(cal.deadline(jst('2026-05-04T10:00:00'), 1), '2026-05-08T17:15:00'); // みどりの日 → Thu 7 day 0 → Fri 8
    expectInstant(cal.deadline(jst('2026-09-22T10:00:00'), 2), '2026-09-28T17:15:00'); // 国民の休日 → Thu 24, Fri 25, Mon 28
  });

  test('R-HOURS-1: n = 0 is the closing time of the effective receipt day', () => {
    expectInstant(cal.deadline(jst('2026-06-08T10:00:00'), 0), '2026-06-08T17:15:00');
    expectInstant(cal.deadline(jst('2026-06-08T18:00:00'), 0), '2026-06-09T17:15:00');
    expectInstant(cal.deadline(jst('2026-06-12T17:20:00'), 0), '2026-06-15T17:15:00');
  });

  test('R-HOURS-1: year end — Fri 2026-12-25 10:00 + 3 business days → Tue 2027-01-05 17:15', () => {
    // day 1 = Mon 28 Dec, then closed 29 Dec – 3 Jan, day 2 = Mon 4 Jan, day 3 = Tue 5 Jan
    expectInstant(cal.deadline(jst('2026-12-25T10:00:00'), 1), '2026-12-28T17:15:00');
    expectInstant(cal.deadline(jst('2026-12-25T10:00:00'), 2), '2027-01-04T17:15:00');
    expectInstant(cal.deadline(jst('2026-12-25T10:00:00'), 3), '2027-01-05T17:15:00');
    // received during the closing period: day 0 is Mon 4 Jan
    expectInstant(cal.deadline(jst('2027-01-01T10:00:00'), 0), '2027-01-04T17:15:00');
    expectInstant(cal.deadline(jst('2026-12-29T09:00:00'), 1), '2027-01-05T17:15:00');
    // without a closing period only 1 Jan (Fri) and the weekend are closed
    const none = new BusinessCalendar({ closingPeriod: null });
    expectInstant(none.deadline(jst('2026-12-25T10:00:00'), 3), '2026-12-30T17:15:00');
    expectInstant(none.deadline(jst('2026-12-25T10:00:00'), 5), '2027-01-04T17:15:00');
  });

  test('R-HOURS-1: Golden Week 2026 — Tue 28 Apr 10:00 + 3 → Thu 7 May 17:15', () => {
    expectInstant(cal.deadline(jst('2026-04-28T10:00:00'), 1), '2026-04-30T17:15:00');
    expectInstant(cal.deadline(jst('2026-04-28T10:00:00'), 2), '2026-05-01T17:15:00');
    expectInstant(cal.deadline(jst('2026-04-28T10:00:00'), 3), '2026-05-07T17:15:00');
  });

  test('R-HOURS-1: Silver Week 2026 — Fri 18 Sep 10:00 + 1 → Thu 24 Sep 17:15', () => {
    expectInstant(cal.deadline(jst('2026-09-18T10:00:00'), 1), '2026-09-24T17:15:00');
  });

  test('R-HOURS-1: leap year — Mon 2028-02-28 10:00 + 1 → Tue 2028-02-29 17:15', () => {
    expectInstant(cal.deadline(jst('2028-02-28T10:00:00'), 1), '2028-02-29T17:15:00');
    expectInstant(cal.deadline(jst('2028-02-28T10:00:00'), 2), '2028-03-01T17:15:00');
  });

  test('R-HOURS-1: an extra closing day added as data pushes the deadline', () => {
    const c = new BusinessCalendar({ extraClosingDays: new Map([['2026-06-10', { nameJa: '臨時休庁', nameEn: 'Extra closure' }]]) });
    expectInstant(cal.deadline(jst('2026-06-08T10:00:00'), 3), '2026-06-11T17:15:00');
    expectInstant(c.deadline(jst('2026-06-08T10:00:00'), 3), '2026-06-12T17:15:00');
    expectInstant(c.deadline(jst('2026-06-10T10:00:00'), 0), '2026-06-11T17:15:00');
  });

  test('R-HOURS-1: rejects negative or non-integer business day counts with a RangeError', () => {
    const from = jst('2026-06-08T10:00:00');
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0.5]) {
      expect(() => cal.deadline(from, n)).toThrow(RangeError);
    }
    expect(() => cal.deadline(from, '3' as unknown as number)).toThrow(RangeError);
    expect(() => cal.deadline(new Date(Number.NaN), 3)).toThrow(RangeError);
  });

  test('R-HOURS-1: deadline(n) agrees with counting business days one by one over a long span', () => {
    const from = jst('2026-01-05T09:00:00');
    let ymd = '2026-01-05';
    for (let n = 1; n <= 300; n++) {
      ymd = cal.nextBusinessDay(ymd);
      if (n % 25 === 0 || n === 300) {
        expectInstant(cal.deadline(from, n), `${ymd}T17:15:00`);
      }
    }
    // 300 business days from early January 2026 land in 2027
    expect(ymd.startsWith('2027-')).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// businessSecondsBetween
// ---------------------------------------------------------------------------

describe('BusinessCalendar — businessSecondsBetween', () => {
  test('R-HOURS-1: within one day, and a full business day is 8 h 45 min', () => {
    expect(cal.businessSecondsBetween(jst('2026-06-08T10:00:00'), jst('2026-06-08T11:00:00'))).toBe(HOUR);
    expect(cal.businessSecondsBetween(jst('2026-06-08T00:00:00'), jst('2026-06-09T00:00:00'))).toBe(FULL_DAY);
    expect(FULL_DAY).toBe(31_500);
    expect(cal.businessSecondsBetween(jst('2026-06-08T07:00:00'), jst('2026-06-08T20:00:00'))).toBe(FULL_DAY);
  });

  test('R-HOURS-1: across a night and a weekend', () => {
    // Mon 17:00 → Tue 09:00: 15 min + 30 min
    expect(cal.businessSecondsBetween(jst('2026-06-08T17:00:00'), jst('2026-06-09T09:00:00'))).toBe(45 * MINUTE);
    // Fri 16:00 → Mon 09:30: 75 min + 60 min
    expect(cal.businessSecondsBetween(jst('2026-06-12T16:00:00'), jst('2026-06-15T09:30:00'))).toBe(135 * MINUTE);
    // one calendar week = 5 business days
    expect(cal.businessSecondsBetween(jst('2026-06-08T10:00:00'), jst('2026-06-15T10:00:00'))).toBe(5 * FULL_DAY);
  });

  test('R-HOURS-1: across Golden Week, Silver Week and the year-end closing', () => {
    // Tue 28 Apr 12:00 → Thu 7 May 12:00: 5h15 + 30 Apr + 1 May + 3h30
    expect(cal.businessSecondsBetween(jst('2026-04-28T12:00:00'), jst('2026-05-07T12:00:00'))).toBe(
      5 * HOUR + 15 * MINUTE + 2 * FULL_DAY + 3 * HOUR + 30 * MINUTE,
    );
    // Fri 18 Sep 17:00 → Thu 24 Sep 08:31
    expect(cal.businessSecondsBetween(jst('2026-09-18T17:00:00'), jst('2026-09-24T08:31:00'))).toBe(16 * MINUTE);
    // Fri 25 Dec 10:00 → Tue 5 Jan 10:00: 7h15 + 28 Dec + 4 Jan + 1h30
    expect(cal.businessSecondsBetween(jst('2026-12-25T10:00:00'), jst('2027-01-05T10:00:00'))).toBe(
      7 * HOUR + 15 * MINUTE + 2 * FULL_DAY + HOUR + 30 * MINUTE,
    );
    // entirely inside closed days
    expect(cal.businessSecondsBetween(jst('2026-12-29T00:00:00'), jst('2027-01-04T08:30:00'))).toBe(0);
    expect(cal.businessSecondsBetween(jst('2026-05-02T00:00:00'), jst('2026-05-07T08:29:59'))).toBe(0);
  });

  test('R-HOURS-1: exact to the second at the boundaries, never rounded to minutes', () => {
    expect(cal.businessSecondsBetween(jst('2026-06-08T10:00:00'), jst('2026-06-08T10:00:01'))).toBe(1);
    expect(cal.businessSecondsBetween(jst('2026-06-08T17:14:59'), jst('2026-06-08T17:15:00'))).toBe(1);
    expect(cal.businessSecondsBetween(jst('2026-06-08T17:14:59'), jst('2026-06-08T23:00:00'))).toBe(1);
    expect(cal.businessSecondsBetween(jst('2026-06-08T08:29:59'), jst('2026-06-08T08:30:01'))).toBe(1);
    expect(cal.businessSecondsBetween(jst('2026-06-08T17:14:59'), jst('2026-06-09T08:30:01'))).toBe(2);
    expect(cal.businessSecondsBetween(jst('2026-06-08T10:00:00'), jst('2026-06-08T10:01:29'))).toBe(89);
    expect(cal.businessSecondsBetween(jst('2026-06-12T17:14:30'), jst('2026-06-15T08:30:45'))).toBe(75);
    // sub-second inputs keep their fraction (milliseconds) instead of being rounded
    expect(cal.businessSecondsBetween(jst('2026-06-08T10:00:00.000'), jst('2026-06-08T10:00:00.250'))).toBe(0.25);
    expect(cal.businessMillisecondsBetween(jst('2026-06-08T17:14:59.999'), jst('2026-06-09T08:30:00.001'))).toBe(2);
  });

  test('R-HOURS-1: empty and reversed intervals give 0; intervals outside hours give 0', () => {
    const t = jst('2026-06-08T10:00:00');
    expect(cal.businessSecondsBetween(t, t)).toBe(0);
    expect(cal.businessSecondsBetween(jst('2026-06-09T10:00:00'), t)).toBe(0);
    expect(cal.businessSecondsBetween(jst('2026-06-08T17:15:00'), jst('2026-06-09T08:30:00'))).toBe(0);
    expect(cal.businessSecondsBetween(jst('2026-06-13T09:00:00'), jst('2026-06-14T17:00:00'))).toBe(0);
  });

  test('R-HOURS-1: matches a brute-force second-by-second count on random intervals (seeded)', () => {
    const rnd = mulberry32(0x5eed1);
    for (let i = 0; i < 10; i++) {
      const a = randomInstant(rnd);
      const b = new Date(a.getTime() + Math.floor(rnd() * 2.5 * 86_400) * 1000); // up to 2.5 days
      let brute = 0;
      for (let t = a.getTime(); t < b.getTime(); t += 1000) {
        if (cal.isWithinReceptionHours(new Date(t))) brute++;
      }
      expect([a.toISOString(), b.toISOString(), cal.businessSecondsBetween(a, b)]).toEqual([a.toISOString(), b.toISOString(), brute]);
    }
  });

  test('R-HOURS-1: is additive over adjacent intervals (seeded property)', () => {
    const rnd = mulberry32(42);
    for (let i = 0; i < 500; i++) {
      const xs = [randomInstant(rnd), randomInstant(rnd), randomInstant(rnd)].sort((p, q) => p.getTime() - q.getTime());
      const [a, b, c] = xs;
      expect(cal.businessSecondsBetween(a, c)).toBe(cal.businessSecondsBetween(a, b) + cal.businessSecondsBetween(b, c));
    }
  });
});

// ---------------------------------------------------------------------------
// addBusinessSeconds
// ---------------------------------------------------------------------------

describe('BusinessCalendar — addBusinessSeconds', () => {
  test('R-HOURS-1: adds within a day and across nights', () => {
    expectInstant(cal.addBusinessSeconds(jst('2026-06-08T10:00:00'), HOUR), '2026-06-08T11:00:00');
    expectInstant(cal.addBusinessSeconds(jst('2026-06-08T17:00:00'), 45 * MINUTE), '2026-06-09T09:00:00');
    expectInstant(cal.addBusinessSeconds(jst('2026-06-12T16:00:00'), 135 * MINUTE), '2026-06-15T09:30:00');
    expectInstant(cal.addBusinessSeconds(jst('2026-06-08T10:00:00'), 5 * FULL_DAY), '2026-06-15T10:00:00');
  });

  test('R-HOURS-1: exhausting a day exactly ends at that day’s 17:15, one second more is next opening + 1 s', () => {
    expectInstant(cal.addBusinessSeconds(jst('2026-06-08T08:30:00'), FULL_DAY), '2026-06-08T17:15:00');
    expectInstant(cal.addBusinessSeconds(jst('2026-06-08T02:00:00'), FULL_DAY), '2026-06-08T17:15:00');
    expectInstant(cal.addBusinessSeconds(jst('2026-06-08T08:30:00'), FULL_DAY + 1), '2026-06-09T08:30:01');
    expectInstant(cal.addBusinessSeconds(jst('2026-06-12T17:00:00'), 15 * MINUTE), '2026-06-12T17:15:00'); // Fri, not Mon
    expectInstant(cal.addBusinessSeconds(jst('2026-12-28T08:30:00'), FULL_DAY), '2026-12-28T17:15:00'); // before closing period
  });

  test('R-HOURS-1: zero seconds gives nextOpening(from)', () => {
    const inside = jst('2026-06-08T10:00:00.123');
    expect(cal.addBusinessSeconds(inside, 0).getTime()).toBe(inside.getTime());
    expectInstant(cal.addBusinessSeconds(jst('2026-06-08T18:00:00'), 0), '2026-06-09T08:30:00');
    expectInstant(cal.addBusinessSeconds(jst('2026-05-02T10:00:00'), 0), '2026-05-07T08:30:00');
  });

  test('R-HOURS-1: from outside reception hours the clock starts at the next opening', () => {
    expectInstant(cal.addBusinessSeconds(jst('2026-06-08T06:00:00'), 1), '2026-06-08T08:30:01');
    expectInstant(cal.addBusinessSeconds(jst('2026-06-13T12:00:00'), HOUR), '2026-06-15T09:30:00'); // Sat
    expectInstant(cal.addBusinessSeconds(jst('2026-05-01T17:15:00'), 10), '2026-05-07T08:30:10'); // Golden Week
    expectInstant(cal.addBusinessSeconds(jst('2026-09-18T17:00:00'), 16 * MINUTE), '2026-09-24T08:31:00'); // Silver Week
  });

  test('R-HOURS-1: the 50 % notice instant of a year-end request (Fri 25 Dec 10:00, due +3 business days)', () => {
    const receipt = jst('2026-12-25T10:00:00');
    const due = cal.deadline(receipt, 3);
    expectInstant(due, '2027-01-05T17:15:00');
    const total = cal.businessSecondsBetween(receipt, due);
    expect(total).toBe(7 * HOUR + 15 * MINUTE + 3 * FULL_DAY); // 120 600 s
    const half = cal.addBusinessSeconds(receipt, total / 2); // 60 300 s
    // 25 Dec: 26 100 s, 28 Dec: 31 500 s, remaining 2 700 s on Mon 4 Jan → 09:15
    expectInstant(half, '2027-01-04T09:15:00');
    expect(cal.businessSecondsBetween(receipt, half)).toBe(total / 2);
    expect(cal.addBusinessSeconds(receipt, total).getTime()).toBe(due.getTime());
  });

  test('R-HOURS-1: sub-second amounts are honoured to the millisecond', () => {
    expect(cal.addBusinessSeconds(jst('2026-06-08T10:00:00'), 0.5).getTime()).toBe(jst('2026-06-08T10:00:00.500').getTime());
    expect(cal.addBusinessMilliseconds(jst('2026-06-08T17:14:59.999'), 2).getTime()).toBe(jst('2026-06-09T08:30:00.001').getTime());
  });

  test('R-HOURS-1: rejects negative, non-finite and non-numeric amounts with a RangeError', () => {
    const from = jst('2026-06-08T10:00:00');
    for (const s of [-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => cal.addBusinessSeconds(from, s)).toThrow(RangeError);
    }
    expect(() => cal.addBusinessSeconds(from, '10' as unknown as number)).toThrow(RangeError);
    expect(() => cal.addBusinessMilliseconds(from, 1.5)).toThrow(RangeError);
  });

  test('R-HOURS-1: inverse of businessSecondsBetween, minimal, and always within hours (seeded property, 3000 cases)', () => {
    const rnd = mulberry32(20260429);
    for (let i = 0; i < 3000; i++) {
      const from = randomInstant(rnd);
      const r = rnd();
      // mix of exact day multiples, small and large amounts (up to ~60 business days)
      const s =
        r < 0.2 ? Math.floor(rnd() * 10) * FULL_DAY : r < 0.3 ? 0 : r < 0.6 ? Math.floor(rnd() * 2 * FULL_DAY) : Math.floor(rnd() * 60 * FULL_DAY);
      const t = cal.addBusinessSeconds(from, s);
      const ctx = `from=${from.toISOString()} s=${s} t=${t.toISOString()}`;
      // inverse consistency
      expect([ctx, cal.businessSecondsBetween(from, t)]).toEqual([ctx, s]);
      expect(t.getTime()).toBeGreaterThanOrEqual(from.getTime());
      // the result lies in [open, close] of a business day
      const win = cal.receptionHours(jstDate(t));
      expect([ctx, win !== null]).toEqual([ctx, true]);
      expect(t.getTime()).toBeGreaterThanOrEqual(win!.opensAt.getTime());
      expect(t.getTime()).toBeLessThanOrEqual(win!.closesAt.getTime());
      if (s > 0) {
        // minimal: one second earlier, less has elapsed
        expect([ctx, cal.businessSecondsBetween(from, new Date(t.getTime() - 1000))]).toEqual([ctx, s - 1]);
      } else {
        expect(t.getTime()).toBe(cal.nextOpening(from).getTime());
      }
    }
  });

  test('R-HOURS-1: add(from, between(from, t)) never overshoots t and lands on t when t is within hours (seeded property)', () => {
    const rnd = mulberry32(7);
    for (let i = 0; i < 1500; i++) {
      const from = randomInstant(rnd);
      const to = new Date(from.getTime() + Math.floor(rnd() * 90 * 86_400) * 1000);
      const s = cal.businessSecondsBetween(from, to);
      const back = cal.addBusinessSeconds(from, s);
      expect(cal.businessSecondsBetween(from, back)).toBe(s);
      if (cal.isWithinReceptionHours(to) && s > 0) {
        expect(back.getTime()).toBe(to.getTime());
      } else {
        expect(back.getTime()).toBeLessThanOrEqual(Math.max(to.getTime(), cal.nextOpening(from).getTime()));
      }
    }
  });

  test('R-HOURS-1: spans of months are computed day by day, fast', () => {
    const from = jst('2026-01-05T09:00:00');
    const started = Date.now();
    let last = from;
    for (let i = 0; i < 2000; i++) {
      last = cal.addBusinessSeconds(from, 120 * FULL_DAY + i); // ~6 months
      cal.businessSecondsBetween(from, last);
      cal.deadline(from, 120);
    }
    expect(Date.now() - started).toBeLessThan(3000);
    expect(cal.businessSecondsBetween(from, last)).toBe(120 * FULL_DAY + 1999);
    // a full year of business time in one call
    const yearLater = cal.addBusinessSeconds(jst('2027-01-04T08:30:00'), 240 * FULL_DAY);
    expect(cal.businessSecondsBetween(jst('2027-01-04T08:30:00'), yearLater)).toBe(240 * FULL_DAY);
  });
});

// ---------------------------------------------------------------------------
// atNextBusinessDay
// ---------------------------------------------------------------------------

describe('BusinessCalendar — atNextBusinessDay', () => {
  test('R-HOURS-1: the given clock time on the first business day strictly after from’s JST date', () => {
    expectInstant(cal.atNextBusinessDay(jst('2026-06-08T15:00:00'), '10:30'), '2026-06-09T10:30:00');
    expectInstant(cal.atNextBusinessDay(jst('2026-06-08T01:00:00'), '10:30'), '2026-06-09T10:30:00'); // before opening: still the next day
    expectInstant(cal.atNextBusinessDay(jst('2026-06-12T15:00:00'), '10:30'), '2026-06-15T10:30:00'); // Fri → Mon
    expectInstant(cal.atNextBusinessDay(jst('2026-06-13T15:00:00'), '10:30'), '2026-06-15T10:30:00'); // Sat → Mon
    expectInstant(cal.atNextBusinessDay(jst('2026-05-01T15:00:00'), '10:30'), '2026-05-07T10:30:00'); // Golden Week
    expectInstant(cal.atNextBusinessDay(jst('2026-09-18T23:59:59'), '09:00'), '2026-09-24T09:00:00'); // Silver Week
    expectInstant(cal.atNextBusinessDay(jst('2026-12-28T12:00:00'), '10:30'), '2027-01-04T10:30:00'); // year end
    expectInstant(cal.atNextBusinessDay(jst('2028-02-28T12:00:00'), '00:00'), '2028-02-29T00:00:00'); // leap day
    expectInstant(cal.atNextBusinessDay(jst('2026-06-08T12:00:00'), '23:59'), '2026-06-09T23:59:00');
  });

  test('R-HOURS-1: uses the JST date of from, not the UTC date (Mon 08:00 JST is Sun 23:00 UTC)', () => {
    const from = new Date('2026-06-07T23:00:00Z'); // Mon 2026-06-08 08:00 JST
    expect(jstDate(from)).toBe('2026-06-08');
    expectInstant(cal.atNextBusinessDay(from, '10:30'), '2026-06-09T10:30:00');
  });

  test('R-HOURS-1: rejects malformed clock times', () => {
    const from = jst('2026-06-08T15:00:00');
    for (const hhmm of ['24:00', '9:30', '10:60', '10:30:00', '', '1030']) {
      expect(() => cal.atNextBusinessDay(from, hhmm)).toThrow(RangeError);
    }
  });
});

// ---------------------------------------------------------------------------
// Time zone independence and helpers
// ---------------------------------------------------------------------------

describe('time zone independence', () => {
  test('R-HOURS-1: jstDate switches at 15:00 UTC (JST midnight)', () => {
    expect(jstDate(new Date('2026-05-06T14:59:59.999Z'))).toBe('2026-05-06');
    expect(jstDate(new Date('2026-05-06T15:00:00.000Z'))).toBe('2026-05-07');
    expect(jstDate(new Date('2026-12-31T15:00:00Z'))).toBe('2027-01-01');
    expect(jstDate(new Date('1970-01-01T00:00:00Z'))).toBe('1970-01-01');
    expect(jstDate(new Date('1969-12-31T14:59:59Z'))).toBe('1969-12-31');
  });

  test('R-HOURS-1: formatJst renders JST wall-clock time with an explicit +09:00 offset', () => {
    expect(formatJst(new Date('2027-01-05T08:15:00Z'))).toBe('2027-01-05T17:15:00+09:00');
    expect(formatJst(new Date('2026-06-07T23:00:00.250Z'))).toBe('2026-06-08T08:00:00.250+09:00');
  });

  test('R-HOURS-1: ISO strings with an offset are accepted; strings without an offset are refused', () => {
    expectInstant(cal.deadline('2026-06-08T01:00:00Z', 3), '2026-06-11T17:15:00');
    expectInstant(cal.deadline('2026-06-08T10:00:00+09:00', 3), '2026-06-11T17:15:00');
    expect(cal.isWithinReceptionHours('2026-06-07T23:30:00.000Z')).toBe(true); // Mon 08:30 JST
    expect(() => cal.deadline('2026-06-08T10:00:00', 3)).toThrow(RangeError);
    expect(() => cal.nextOpening('2026-06-08')).toThrow(RangeError);
    expect(() => jstDate('yesterday')).toThrow(RangeError);
  });

  test('R-HOURS-1: the same results in child processes run with TZ=UTC, America/New_York, Pacific/Chatham and Asia/Tokyo', () => {
    // jest gives tests a copy of process.env, so TZ cannot be switched in-process:
    // transpile the two modules and evaluate a battery of calls in child processes.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-calendar-'));
    try {
      // The calendar and the one JST helper it takes the offset from, in their folders.
      const root = path.resolve(__dirname, '../..');
      for (const file of ['src/calendar/business-calendar', 'src/calendar/japanese-holidays', 'workflows/shared/jst']) {
        const source = fs.readFileSync(path.join(root, `${file}.ts`), 'utf8');
        const out = ts.transpileModule(source, {
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        });
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, `${file}.js`), out.outputText);
      }
      const battery = `
        const { BusinessCalendar, jstDate } = require(${JSON.stringify(path.join(dir, 'src/calendar/business-calendar.js'))});
        const cal = new BusinessCalendar();
        const iso = (d) => d.toISOString();
        const from = new Date('2026-12-25T01:00:00Z');
        const r = {
          tzOffset: new Date('2026-07-01T00:00:00Z').getTimezoneOffset(),
          deadline: iso(cal.deadline(from, 3)),
          deadlineAfterHours: iso(cal.deadline(new Date('2026-06-08T09:00:00Z'), 3)),
          nextOpening: iso(cal.nextOpening(new Date('2026-05-01T08:15:00Z'))),
          between: cal.businessSecondsBetween(new Date('2026-04-28T03:00:00Z'), new Date('2026-05-07T03:00:00Z')),
          add: iso(cal.addBusinessSeconds(from, 60300)),
          atNext: iso(cal.atNextBusinessDay(new Date('2026-06-07T23:00:00Z'), '10:30')),
          within: [cal.isWithinReceptionHours(new Date('2026-06-07T23:30:00Z')), cal.isWithinReceptionHours(new Date('2026-06-07T23:29:59Z'))],
          jstDate: [jstDate(new Date('2026-05-06T14:59:59Z')), jstDate(new Date('2026-05-06T15:00:00Z'))],
          nonBusiness: cal.nonBusinessDays(2026).map((d) => d.date).join(','),
        };
        process.stdout.write(JSON.stringify(r));
      `;
      const run = (tz: string): Record<string, unknown> =>
        JSON.parse(
          execFileSync(process.execPath, ['-e', battery], {
            env: { PATH: process.env.PATH ?? '', TZ: tz, NODE_PATH: path.resolve(__dirname, '../../node_modules') },
            encoding: 'utf8',
          }),
        ) as Record<string, unknown>;
      const results = Object.fromEntries(['UTC', 'America/New_York', 'Pacific/Chatham', 'Asia/Tokyo'].map((tz) => [tz, run(tz)]));
      // the child processes really ran in different zones
      expect(results.UTC.tzOffset).toBe(0);
      expect(results['America/New_York'].tzOffset).toBe(240);
      expect(results['Asia/Tokyo'].tzOffset).toBe(-540);
      const strip = (r: Record<string, unknown>) => ({ ...r, tzOffset: undefined });
      expect(strip(results.UTC)).toEqual({
        tzOffset: undefined,
        deadline: jst('2027-01-05T17:15:00').toISOString(),
        deadlineAfterHours: jst('2026-06-12T17:15:00').toISOString(),
        nextOpening: jst('2026-05-07T08:30:00').toISOString(),
        between: 5 * HOUR + 15 * MINUTE + 2 * FULL_DAY + 3 * HOUR + 30 * MINUTE,
        add: jst('2027-01-04T09:15:00').toISOString(),
        atNext: jst('2026-06-09T10:30:00').toISOString(),
        within: [true, false],
        jstDate: ['2026-05-06', '2026-05-07'],
        nonBusiness: cal.nonBusinessDays(2026).map((d) => d.date).join(','),
      });
      for (const tz of ['America/New_York', 'Pacific/Chatham', 'Asia/Tokyo']) {
        expect([tz, strip(results[tz])]).toEqual([tz, strip(results.UTC)]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
