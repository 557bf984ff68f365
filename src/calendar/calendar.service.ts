import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { invalid, notFound } from '../common/errors';
import { BusinessCalendar, type NonBusinessDay } from './business-calendar';
import { CalendarSettings } from './calendar-settings.entity';
import { ClosingDay } from './closing-day.entity';

const YEAR_END = { nameJa: '年末年始閉庁日', nameEn: 'Year-end closing' };

/**
 * The business calendar as data: reception hours, the yearly closing period and extra closing days
 * live in PostgreSQL, so an admin changes them without a deploy. Every read builds from the rows,
 * so the API and the worker never disagree for long.
 */
@Injectable()
export class CalendarService {
  constructor(private readonly em: EntityManager) {}

  async current(): Promise<BusinessCalendar> {
    const em = this.em.fork();
    const settings = (await em.findOne(CalendarSettings, { id: 1 })) ?? new CalendarSettings();
    const extra = await em.find(ClosingDay, {});
    return new BusinessCalendar({
      openMinutes: settings.openMinutes,
      closeMinutes: settings.closeMinutes,
      closingPeriod:
        settings.closingPeriodFrom && settings.closingPeriodTo
          ? { from: settings.closingPeriodFrom, to: settings.closingPeriodTo, ...YEAR_END }
          : null,
      extraClosingDays: new Map(extra.map((d) => [d.date, { nameJa: d.nameJa, nameEn: d.nameEn }])),
    });
  }

  async deadline(from: Date, businessDays: number): Promise<Date> {
    return (await this.current()).deadline(from, businessDays);
  }

  async nonBusinessDays(year: number): Promise<NonBusinessDay[]> {
    const calendar = await this.current();
    try {
      return calendar.nonBusinessDays(year);
    } catch (error) {
      if (error instanceof RangeError) throw invalid('year', error.message);
      throw error;
    }
  }

  listClosingDays(): Promise<ClosingDay[]> {
    return this.em.find(ClosingDay, {}, { orderBy: { date: 'asc' } });
  }

  async addClosingDay(date: string, nameJa: string, nameEn: string, by: string): Promise<ClosingDay> {
    const existing = await this.em.findOne(ClosingDay, { date });
    const day = existing ?? this.em.create(ClosingDay, { date, nameJa, nameEn, createdBy: by, createdAt: new Date() });
    day.nameJa = nameJa;
    day.nameEn = nameEn;
    this.em.persist(day);
    await this.em.flush();
    return day;
  }

  async removeClosingDay(date: string): Promise<void> {
    const removed = await this.em.nativeDelete(ClosingDay, { date });
    if (removed === 0) throw notFound(`Closing day ${date}`);
  }

  async settings(): Promise<CalendarSettings> {
    return (await this.em.findOne(CalendarSettings, { id: 1 })) ?? new CalendarSettings();
  }

  async updateSettings(patch: Partial<Pick<CalendarSettings, 'openMinutes' | 'closeMinutes' | 'closingPeriodFrom' | 'closingPeriodTo'>>, by: string): Promise<CalendarSettings> {
    const settings = await this.settings();
    const next = { ...settings, ...patch };
    if (next.openMinutes >= next.closeMinutes) throw invalid('closeMinutes', 'closeMinutes must be after openMinutes');
    if (!next.closingPeriodFrom !== !next.closingPeriodTo) throw invalid('closingPeriodTo', 'closingPeriodFrom and closingPeriodTo are set together or both null');
    Object.assign(settings, patch, { updatedAt: new Date(), updatedBy: by });
    await this.em.upsert(CalendarSettings, { ...settings });
    return settings;
  }
}
