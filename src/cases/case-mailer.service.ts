import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { CaseMailInput, CaseMailResult, RecipientSpec } from '../../workflows/shared/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MAILER, type Mailer } from '../mail/mail.module';
import { renderMail } from '../mail/templates';
import { metrics } from '../observability/metrics';

/** Sends a case's e-mail once per key and keeps the evidence (R-CONTACT-1) on the timeline. */
@Injectable()
export class CaseMailer {
  constructor(
    private readonly em: EntityManager,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async send(input: CaseMailInput): Promise<CaseMailResult> {
    // Plain SQL throughout: this runs for every e-mail of every case, and loading users and
    // departments as entities (identity map, snapshots) cost more than the queries themselves.
    const connection = this.em.getConnection();
    const [already] = await connection.execute<Array<{ message_id: string; recipients: string[]; cc: string[]; sent_at: Date }>>(
      'select message_id, recipients, cc, sent_at from sent_mail where key = ?', [input.key],
    );
    if (already) return { messageId: already.message_id, to: already.recipients, cc: already.cc, sentAt: new Date(already.sent_at).toISOString() };

    const to = await this.resolve(input.to);
    const cc = (await this.resolve(input.cc ?? [])).filter((address) => !to.includes(address));
    if (to.length === 0) return { messageId: null, to: [], cc: [], sentAt: null, skipped: 'no_recipients' };

    const rendered = renderMail(input.mail, { publicUrl: this.config.publicUrl });
    const sent = await this.mailer
      .send({ messageKey: input.key, to, cc, subject: rendered.subject, text: rendered.text, html: rendered.html })
      .catch((error: unknown) => {
        metrics.emailsFailed.inc({ template: input.mail.template }); // /metrics: opsdesk_emails_failed_total
        throw error;
      });
    const sentAt = new Date(sent.sentAt);
    const platform = this.em.getPlatform();
    // The evidence and its timeline entry in one statement, so both are written or neither.
    await connection.execute(
      `with mail as (
         insert into sent_mail (key, case_id, template, message_id, subject, recipients, cc, sent_at) values (?, ?, ?, ?, ?, ?, ?, ?)
       )
       insert into case_timeline (id, case_id, key, at, kind, actor, message_ja, message_en, data) values (gen_random_uuid(), ?, ?, ?, 'email', null, ?, ?, ?)`,
      [
        input.key, input.caseId, input.mail.template, sent.messageId, rendered.subject, platform.marshallArray(to), platform.marshallArray(cc), sentAt,
        input.caseId, `mail:${input.key}`, sentAt,
        `メール送信: ${rendered.subject}（宛先: ${[...to, ...cc].join(', ')}）`,
        `E-mail sent: ${rendered.subject} (to: ${[...to, ...cc].join(', ')})`,
        JSON.stringify({ messageId: sent.messageId, to, cc, template: input.mail.template, subject: rendered.subject }),
      ],
    );
    return { messageId: sent.messageId, to, cc, sentAt: sent.sentAt };
  }

  private async resolve(specs: RecipientSpec[]): Promise<string[]> {
    const connection = this.em.getConnection();
    const addresses = new Set<string>();
    for (const spec of specs) {
      if ('email' in spec) addresses.add(spec.email);
      else if ('userId' in spec) {
        const [user] = await connection.execute<Array<{ email: string }>>('select email from app_user where id = ? and disabled = false', [spec.userId]);
        if (user) addresses.add(user.email);
      } else if ('departmentId' in spec) {
        const [department] = await connection.execute<Array<{ email: string }>>('select email from department where id = ?', [spec.departmentId]);
        if (department) addresses.add(department.email);
      } else {
        const role = spec.role === 'operators' ? 'operator' : 'general_affairs';
        if (role === 'general_affairs' && this.config.generalAffairsMailbox) addresses.add(this.config.generalAffairsMailbox);
        const users = await connection.execute<Array<{ email: string }>>(
          `select email from app_user where roles @> array[?]::text[] and disabled = false order by username asc`, [role],
        );
        for (const user of users) addresses.add(user.email);
      }
    }
    return [...addresses].filter((a) => a.includes('@'));
  }
}
