import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A day the authority is closed besides weekends, national holidays and the year-end period. */
@Entity({ tableName: 'calendar_closing_day' })
export class ClosingDay {
  /** YYYY-MM-DD in Asia/Tokyo. */
  @PrimaryKey({ type: 'text' })
  date!: string;

  @Property({ type: 'text' })
  nameJa!: string;

  @Property({ type: 'text' })
  nameEn!: string;

  @Property({ type: 'text', nullable: true })
  createdBy?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
