import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** A 業務システム所管課: owns business systems, requests work, verifies it. */
@Entity({ tableName: 'department' })
export class Department {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  code!: string;

  @Property({ type: 'text' })
  nameJa!: string;

  @Property({ type: 'text' })
  nameEn!: string;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
