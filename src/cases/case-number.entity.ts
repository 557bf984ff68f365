import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** The last number handed out per prefix and year, so case numbers have no gaps. */
@Entity({ tableName: 'case_number_sequence' })
export class CaseNumberSequence {
  @PrimaryKey({ type: 'text' })
  prefix!: string;

  @PrimaryKey({ type: 'integer' })
  year!: number;

  @Property({ type: 'integer' })
  last: number = 0;
}
