import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { caseNumberIn } from '../../../workflows/shared/desk';
import { canSee } from '../../cases/case-access';
import { CaseMailer } from '../../cases/case-mailer.service';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { InquiriesService, type IntakeAttachment } from '../../desk/inquiries.service';
import { readDeskSettings } from '../../desk/desk-settings';
import { DESK_CONFIG, type DeskConfig } from '../../desk/desk-config';
import { InboxDispatcher } from '../../database/inbox-dispatcher';
import type { Role } from '../../identity/roles';
import { IncidentsService } from '../../incidents/incidents.service';
import type { ParsedAlert } from '../../incidents/alert-payload';
import { DEFAULT_MESSAGE_ID_DOMAIN } from '../mailer';
import { autoVerdict, matchMonitoringRule, referencedMessageIds, type MonitoringRuleLike } from './classify';
import { recordInboundMail, type InboundMeta } from './inbox-writer';

const BATCH = 10;
const MAX_TEXT = 20_000;
const MAX_HTML = 200_000;

interface ClaimedMail {
  id: string;
  message_key: string;
  raw: Buffer;
  envelope_from: string | null;
  attempts: number;
}

export interface IntakeOutcome {
  outcome: 'inquiry' | 'joined' | 'alert' | 'ignored_auto' | 'ignored_loop' | 'malformed';
  caseNumber: string | null;
  detail: Record<string, unknown>;
}

/**
 * The desk mailbox's intake (R-DESK-1, R-CONTACT-1, R-FLOW-1). Every received mail is first a row
 * of `mail_inbox` (written by the SMTP listener or the IMAP reader before they acknowledge it);
 * this dispatcher then handles each row once: a reply joins its case, a monitoring mail opens or
 * joins an incident as POST /api/alerts does, auto-replies and our own mails open nothing, anything
 * else opens an inquiry. Every step is idempotent by the row's id, so a crash between two steps
 * repeats the row without a second case, timeline entry or mail.
 */
@Injectable()
export class MailIntake implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('mail-intake');
  private stopped = false;
  /** The durable-inbox dispatcher it shares with the alert inbox (src/database/inbox-dispatcher.ts): woken by inserts, also the sink process's, by retry times and a fallback poll. */
  private readonly dispatcher: InboxDispatcher;

  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DESK_CONFIG) private readonly desk: DeskConfig,
    private readonly inquiries: InquiriesService,
    private readonly incidents: IncidentsService,
    private readonly caseMailer: CaseMailer,
  ) {
    this.dispatcher = new InboxDispatcher({
      table: 'mail_inbox', batch: BATCH, logger: this.logger, databaseUrl: config.databaseUrl,
      pass: () => this.pass(),
      nextAttemptInMs: async () => {
        const [row] = await this.sql<{ ms: number | null }>(
          `select (extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8 as ms from mail_inbox where processed_at is null`,
        );
        return row?.ms === null || row?.ms === undefined ? null : Number(row.ms);
      },
      describeFailure: (error) => `the mail inbox cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    });
  }

  onApplicationBootstrap(): void {
    if (!this.desk.intakeEnabled) return;
    this.dispatcher.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.dispatcher.stop();
  }

  private sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.em.getConnection().execute<T[]>(query, params);
  }

  /** Durably records a received mail (once per Message-ID), then hands it on. */
  async record(raw: Buffer, meta: InboundMeta) {
    const recorded = await recordInboundMail((q, p) => this.sql(q, p), raw, meta);
    this.kick();
    return recorded;
  }

  kick(): void {
    if (this.desk.intakeEnabled) this.dispatcher.kick();
  }

  /** Resolves when every received mail has been handled (tests, shutdown). */
  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const [row] = await this.sql<{ n: number }>('select count(*)::int as n from mail_inbox where processed_at is null');
      if (Number(row.n) === 0) return;
      this.kick();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the mail inbox did not drain');
  }

  private async pass(): Promise<number> {
    const claimed = await this.sql<ClaimedMail>(
      `with ready as (
         select id from mail_inbox where processed_at is null and next_attempt_at <= now() order by id limit ${BATCH} for update skip locked)
       update mail_inbox m set attempts = m.attempts + 1, next_attempt_at = now() + interval '60 seconds' from ready where m.id = ready.id
       returning m.id, m.message_key, m.raw, m.envelope_from, m.attempts`,
    );
    for (const row of claimed) {
      if (this.stopped) break;
      try {
        const result = await this.handle(row);
        await this.sql('update mail_inbox set processed_at = now(), outcome = ?, case_number = ?, detail = ?, last_error = null where id = ?',
          [result.outcome, result.caseNumber, JSON.stringify(result.detail), row.id]);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const backoff = Math.min(2 ** Math.max(0, row.attempts - 1), 30);
        this.logger.warn(`mail ${row.message_key} waits for another try: ${message}`);
        await this.sql('update mail_inbox set last_error = ?, next_attempt_at = now() + make_interval(secs => ?) where id = ?', [message.slice(0, 500), backoff, row.id]).catch(() => undefined);
      }
    }
    return claimed.length;
  }

  /** Decides what the mail is and acts on it; idempotent per inbox row. */
  async handle(row: ClaimedMail): Promise<IntakeOutcome> {
    let parsed: ParsedMail;
    try {
      parsed = await simpleParser(row.raw, { skipImageLinks: true, skipTextLinks: true, skipHtmlToText: false });
    } catch (error) {
      return { outcome: 'malformed', caseNumber: null, detail: { reason: `unreadable MIME: ${error instanceof Error ? error.message : String(error)}` } };
    }
    const from = firstAddress(parsed.from);
    const subject = (parsed.subject ?? '').trim();
    const headers = { get: (name: string) => headerText(parsed, name) };
    const verdict = autoVerdict(headers, {
      from: from?.address ?? null, envelopeFrom: row.envelope_from, contentType: headerText(parsed, 'content-type') ?? null,
      ownMessageIdDomain: this.desk.ownMessageIdDomain ?? DEFAULT_MESSAGE_ID_DOMAIN, ownAddresses: [...this.desk.addresses, addressOf(this.config.mailFrom)].filter(Boolean) as string[],
      messageId: parsed.messageId?.replace(/^<|>$/g, '') ?? null,
    });
    const base = { from: from?.address ?? null, subject, messageId: parsed.messageId ?? null };
    if (verdict.kind === 'loop') return { outcome: 'ignored_loop', caseNumber: null, detail: { ...base, reason: verdict.reason } };
    if (verdict.kind === 'auto') return { outcome: 'ignored_auto', caseNumber: null, detail: { ...base, reason: verdict.reason } };
    if (!from?.address) return { outcome: 'malformed', caseNumber: null, detail: { ...base, reason: 'no sender address (From)' } };

    const settings = await readDeskSettings((q, p) => this.sql(q, p));
    const files = (parsed.attachments ?? []).filter((a) => a.contentDisposition !== 'inline' || !a.related);
    const accepted = files.filter((a) => a.size <= settings.maxAttachmentBytes);
    const refused = files.filter((a) => a.size > settings.maxAttachmentBytes).map((a) => ({ filename: a.filename ?? 'attachment', size: a.size }));
    const attachments: IntakeAttachment[] = accepted.map((a) => ({ filename: a.filename ?? 'attachment.bin', contentType: a.contentType ?? 'application/octet-stream', content: a.content }));
    const text = (parsed.text ?? '').slice(0, MAX_TEXT);
    const html = typeof parsed.html === 'string' ? parsed.html.slice(0, MAX_HTML) : null;
    const intakeId = `mail-${row.id}`;

    // 1. A reply to a case (In-Reply-To / References to our mail, or the case number in the subject).
    const target = await this.repliedCase(parsed, subject);
    if (target) {
      const allowed = await this.senderMaySee(target, from.address);
      if (allowed) {
        const refs = [];
        for (const file of attachments) refs.push(await this.inquiries.storeAttachment(intakeId, target.id, file, 'mail'));
        await this.sql(
          `insert into case_timeline (id, case_id, key, at, kind, actor, message_ja, message_en, data) values (gen_random_uuid(), ?, ?, now(), 'email', ?, ?, ?, ?) on conflict (key) do nothing`,
          [target.id, `mail-in:${row.id}`, from.name ? `${from.name} <${from.address}>` : from.address,
            `メール受信: ${subject || '（件名なし）'}（差出人: ${from.address}）`, `E-mail received: ${subject || '(no subject)'} (from ${from.address})`,
            JSON.stringify({ direction: 'in', from: from.address, fromName: from.name || null, subject, messageId: parsed.messageId ?? null, text, html, attachments: refs, refusedAttachments: refused, matchedBy: target.matchedBy })],
        );
        await this.tellRefused(target.id, target.number, target.subject, from, refused, row.id);
        return { outcome: 'joined', caseNumber: target.number, detail: { ...base, matchedBy: target.matchedBy, attachments: refs.length, refused } };
      }
    }

    // 2. A monitoring system's alert mail: exactly what POST /api/alerts does.
    const rules = await this.sql<{ id: string; name: string; sender: string; subject_pattern: string; resolved_pattern: string | null; alert_name: string; severity: string; enabled: boolean }>(
      'select id, name, sender, subject_pattern, resolved_pattern, alert_name, severity, enabled from monitoring_mail_rule where enabled = true order by created_at asc',
    );
    const match = matchMonitoringRule(rules.map(toRule), from.address, subject);
    if (match) {
      const alert: ParsedAlert = {
        status: match.status, source: `mail:${match.rule.name}`, hostname: match.hostname, alertName: match.alertName, severity: match.severity as ParsedAlert['severity'],
        summary: (text.trim() || subject).slice(0, 2000), detectedAt: (parsed.date ?? new Date()).toISOString(), labels: { via: 'mail', rule: match.rule.name }, fingerprint: `${match.hostname}-${match.alertName}`,
      };
      const [outcome] = await this.incidents.ingestAlerts([alert], `mail:${match.rule.name}`, `mail:${row.message_key}`);
      return { outcome: 'alert', caseNumber: outcome?.caseNumber ?? null, detail: { ...base, rule: match.rule.name, hostname: match.hostname, alertName: match.alertName, status: match.status, joined: outcome?.joined ?? false, queued: outcome?.queued ?? false } };
    }

    // 3. Anything else: a new inquiry (also a forged reply to a case the sender may not see).
    const asker = await this.askerOf(from);
    const opened = await this.inquiries.open({
      intakeId, subject: subject || '（件名なし）', text: text || (html ? '（HTMLのみのメール。本文はHTMLとして保存し、表示しません）' : '（本文なし）'), asker, channel: 'mail', category: 'other',
      affected: null, receivedAt: (parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : new Date()).toISOString(), attachments, mailMessageId: parsed.messageId ?? null,
    });
    if (!opened.caseNumber || !opened.caseId) throw new Error(`the inquiry ${opened.workflowId} has no number yet (is a worker running?)`);
    if (html) {
      await this.sql(
        `insert into case_timeline (id, case_id, key, at, kind, actor, message_ja, message_en, data) values (gen_random_uuid(), ?, ?, now(), 'email', ?, ?, ?, ?) on conflict (key) do nothing`,
        [opened.caseId, `mail-in:${row.id}`, from.address, `メール受信: ${subject || '（件名なし）'}（差出人: ${from.address}）`, `E-mail received: ${subject || '(no subject)'} (from ${from.address})`,
          JSON.stringify({ direction: 'in', from: from.address, subject, messageId: parsed.messageId ?? null, text, html, refusedAttachments: refused })],
      );
    }
    await this.tellRefused(opened.caseId, opened.caseNumber, subject, from, refused, row.id);
    return { outcome: 'inquiry', caseNumber: opened.caseNumber, detail: { ...base, workflowId: opened.workflowId, attachments: attachments.length, refused, claimedCase: target?.number ?? null } };
  }

  /** The case a mail answers, and how it was found. */
  private async repliedCase(parsed: ParsedMail, subject: string) {
    const ids = referencedMessageIds(parsed.inReplyTo, parsed.references);
    if (ids.length > 0) {
      const bracketed = ids.map((id) => `<${id}>`);
      const [sent] = await this.sql<{ id: string; number: string; subject: string; department_ids: string[]; params: Record<string, unknown> | null; recipients: string[]; cc: string[] }>(
        `select c.id, c.number, c.subject, c.department_ids, c.params, s.recipients, s.cc from sent_mail s join case_record c on c.id = s.case_id
          where s.message_id = any(?::text[]) order by s.sent_at desc limit 1`,
        [`{${bracketed.map((b) => `"${b.replace(/["\\]/g, '')}"`).join(',')}}`],
      );
      if (sent) return { ...sent, matchedBy: 'in-reply-to' as const, recipients: [...sent.recipients, ...sent.cc] };
      const [received] = await this.sql<{ id: string; number: string; subject: string; department_ids: string[]; params: Record<string, unknown> | null }>(
        `select c.id, c.number, c.subject, c.department_ids, c.params from mail_inbox m join case_record c on c.number = m.case_number
          where m.message_key = any(?::text[]) and m.outcome in ('inquiry', 'joined') order by m.id desc limit 1`,
        [`{${ids.map((b) => `"${b.replace(/["\\]/g, '')}"`).join(',')}}`],
      );
      if (received) return { ...received, matchedBy: 'references' as const, recipients: [] as string[] };
    }
    const number = caseNumberIn(subject);
    if (number) {
      const [record] = await this.sql<{ id: string; number: string; subject: string; department_ids: string[]; params: Record<string, unknown> | null }>(
        'select id, number, subject, department_ids, params from case_record where number = ?', [number],
      );
      if (record) return { ...record, matchedBy: 'subject' as const, recipients: [] as string[] };
    }
    return null;
  }

  /**
   * Whether the sender may see the case the mail claims to answer: one of its mail's recipients, the
   * inquiry's asker, a user who sees the case (CASE_VISIBILITY), or the mailbox of a department of
   * the case. A forged In-Reply-To from anyone else opens a new inquiry instead.
   */
  private async senderMaySee(target: { department_ids: string[]; params: Record<string, unknown> | null; recipients: string[] }, sender: string): Promise<boolean> {
    const address = sender.toLowerCase();
    if (target.recipients.some((r) => r.toLowerCase() === address)) return true;
    const asker = target.params?.asker as { email?: string | null } | undefined;
    if (asker?.email && asker.email.toLowerCase() === address) return true;
    const users = await this.sql<{ roles: Role[]; department_id: string | null }>('select roles, department_id from app_user where lower(email) = ? and disabled = false', [address]);
    for (const user of users) {
      const actor = { roles: user.roles, departmentId: user.department_id } as Parameters<typeof canSee>[0];
      if (canSee(actor, { departmentIds: target.department_ids })) return true;
    }
    const departments = await this.sql<{ id: string }>('select id from department where lower(email) = ?', [address]);
    return departments.some((d) => target.department_ids.includes(d.id));
  }

  private async askerOf(from: { address: string; name: string }) {
    const address = from.address.toLowerCase();
    const [user] = await this.sql<{ id: string; display_name: string; department_id: string | null }>('select id, display_name, department_id from app_user where lower(email) = ? and disabled = false', [address]);
    if (user) return { name: user.display_name, email: address, userId: user.id, departmentId: user.department_id, organisation: null };
    const [department] = await this.sql<{ id: string; name_ja: string }>('select id, name_ja from department where lower(email) = ?', [address]);
    return { name: from.name || department?.name_ja || address, email: address, userId: null, departmentId: department?.id ?? null, organisation: department?.name_ja ?? null };
  }

  /** Oversized attachments: the sender is told (once per mail), never an auto-reply. */
  private async tellRefused(caseId: string, caseNumber: string, caseSubject: string, from: { address: string; name: string }, refused: Array<{ filename: string; size: number }>, rowId: string) {
    if (refused.length === 0) return;
    const settings = await readDeskSettings((q, p) => this.sql(q, p));
    await this.caseMailer.send({
      caseId, key: `${caseNumber}.attachment-refused.mail-${rowId}`,
      mail: {
        template: 'inquiry.notice', step: 'attachment_refused', caseNumber, caseSubject, askerName: from.name || from.address,
        message: refused.map((r) => `${r.filename}（${(r.size / 1_048_576).toFixed(1)} MB）`).join('\n'),
        reason: `上限 ${(settings.maxAttachmentBytes / 1_048_576).toFixed(1)} MB を超えています / over the limit of ${(settings.maxAttachmentBytes / 1_048_576).toFixed(1)} MB`,
      },
      to: [{ email: from.address }],
    });
  }
}

function toRule(r: { id: string; name: string; sender: string; subject_pattern: string; resolved_pattern: string | null; alert_name: string; severity: string; enabled: boolean }): MonitoringRuleLike {
  return { id: r.id, name: r.name, sender: r.sender, subjectPattern: r.subject_pattern, resolvedPattern: r.resolved_pattern, alertName: r.alert_name, severity: r.severity, enabled: r.enabled };
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address: string; name: string } | null {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const group of list) {
    for (const entry of group.value ?? []) {
      if (entry.address && /^[^\s@<>]+@[^\s@<>]+$/.test(entry.address)) return { address: entry.address.toLowerCase(), name: entry.name ?? '' };
    }
  }
  return null;
}

function headerText(parsed: ParsedMail, name: string): string | undefined {
  const value = parsed.headers.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'object' && 'value' in value) {
    const v = value as { value: unknown; params?: Record<string, string> };
    if (typeof v.value === 'string') return v.value;
    if ('text' in value) return String((value as { text: string }).text);
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function addressOf(from: string): string | null {
  const match = /<([^<>]+)>/.exec(from);
  return (match ? match[1] : from).trim().toLowerCase() || null;
}
