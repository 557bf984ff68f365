import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** The one row of reception hours and the recurring year-end closing (年末年始閉庁). */
@Entity({ tableName: 'calendar_settings' })
export class CalendarSettings {
  @PrimaryKey({ type: 'integer' })
  id: number = 1;

  /** Minutes since midnight, Asia/Tokyo. */
  @Property({ type: 'integer' })
  openMinutes: number = 8 * 60 + 30;

  @Property({ type: 'integer' })
  closeMinutes: number = 17 * 60 + 15;

  /** MM-DD; null when the authority has no recurring closing period. */
  @Property({ type: 'text', nullable: true })
  closingPeriodFrom?: string | null = '12-29';

  @Property({ type: 'text', nullable: true })
  closingPeriodTo?: string | null = '01-03';

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @Property({ type: 'text', nullable: true })
  updatedBy?: string | null;
}
