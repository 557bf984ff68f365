import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { renderMail, type MailTemplate } from '../../activities/mail-templates';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Department } from '../identity/department.entity';
import { User } from '../identity/user.entity';
import { MAILER, type Mailer } from '../mail/mail.module';
import { SentMailRecord } from '../mail/sent-mail.entity';
import { metrics } from '../observability/metrics';
import { TimelineEntry } from './timeline-entry.entity';

export type RecipientSpec =
  | { role: 'general_affairs' | 'operators' }
  | { departmentId: string }
  | { userId: string }
  | { email: string };

export interface CaseMailInput {
  caseId: string;
  /** Stable per message: the same key is sent once, and becomes its Message-ID. */
  key: string;
  mail: MailTemplate;
  to: RecipientSpec[];
  cc?: RecipientSpec[];
}

export interface CaseMailResult {
  messageId: string | null;
  to: string[];
  cc: string[];
  sentAt: string | null;
  skipped?: 'no_recipients';
}

/** Sends a case's e-mail once per key and keeps the evidence (R-CONTACT-1) on the timeline. */
@Injectable()
export class CaseMailer {
  constructor(
    private readonly em: EntityManager,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async send(input: CaseMailInput): Promise<CaseMailResult> {
    const em = this.em.fork();
    const already = await em.findOne(SentMailRecord, { key: input.key });
    if (already) return { messageId: already.messageId, to: already.recipients, cc: already.cc, sentAt: already.sentAt.toISOString() };

    const to = await this.resolve(em, input.to);
    const cc = (await this.resolve(em, input.cc ?? [])).filter((address) => !to.includes(address));
    if (to.length === 0) return { messageId: null, to: [], cc: [], sentAt: null, skipped: 'no_recipients' };

    const rendered = renderMail(input.mail, { publicUrl: this.config.publicUrl });
    const sent = await this.mailer
      .send({ messageKey: input.key, to, cc, subject: rendered.subject, text: rendered.text, html: rendered.html })
      .catch((error: unknown) => {
        metrics.emailsFailed.inc({ template: input.mail.template }); // /metrics: opsdesk_emails_failed_total
        throw error;
      });
    await em.transactional(async (tx) => {
      await tx.flush();
      tx.persist(
        tx.create(SentMailRecord, {
          key: input.key, caseId: input.caseId, template: input.mail.template, messageId: sent.messageId, subject: rendered.subject,
          recipients: to, cc, sentAt: new Date(sent.sentAt),
        }),
      );
      tx.persist(
        tx.create(TimelineEntry, {
          caseId: input.caseId,
          key: `mail:${input.key}`,
          at: new Date(sent.sentAt),
          kind: 'email',
          actor: null,
          messageJa: `メール送信: ${rendered.subject}（宛先: ${[...to, ...cc].join(', ')}）`,
          messageEn: `E-mail sent: ${rendered.subject} (to: ${[...to, ...cc].join(', ')})`,
          data: { messageId: sent.messageId, to, cc, template: input.mail.template, subject: rendered.subject },
        }),
      );
    });
    return { messageId: sent.messageId, to, cc, sentAt: sent.sentAt };
  }

  private async resolve(em: EntityManager, specs: RecipientSpec[]): Promise<string[]> {
    const addresses = new Set<string>();
    for (const spec of specs) {
      if ('email' in spec) addresses.add(spec.email);
      else if ('userId' in spec) {
        const user = await em.findOne(User, { id: spec.userId, disabled: false });
        if (user) addresses.add(user.email);
      } else if ('departmentId' in spec) {
        const department = await em.findOne(Department, { id: spec.departmentId });
        if (department) addresses.add(department.email);
      } else {
        const role = spec.role === 'operators' ? 'operator' : 'general_affairs';
        if (role === 'general_affairs' && this.config.generalAffairsMailbox) addresses.add(this.config.generalAffairsMailbox);
        const users = await em.find(User, { roles: { $contains: [role] }, disabled: false }, { orderBy: { username: 'asc' } });
        for (const user of users) addresses.add(user.email);
      }
    }
    return [...addresses].filter((a) => a.includes('@'));
  }
}
