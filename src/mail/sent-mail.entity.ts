import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Every message opsdesk sent, by its stable key: a retried activity finds the key and does not
 * send again. The Message-ID and recipients are the evidence R-CONTACT-1 asks for.
 */
@Entity({ tableName: 'sent_mail' })
export class SentMailRecord {
  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'uuid', nullable: true, index: true })
  caseId?: string | null;

  @Property({ type: 'text' })
  template!: string;

  @Property({ type: 'text' })
  messageId!: string;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text[]' })
  recipients: string[] = [];

  @Property({ type: 'text[]' })
  cc: string[] = [];

  @Property({ type: 'timestamptz' })
  sentAt!: Date;
}
