import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { createHash, randomUUID } from 'node:crypto';
import type { SlaView } from '../../workflows/shared/case-model';
import { workflowIds } from '../../workflows/shared/ids';
import type { InquiryAsker, InquiryAttachmentRef, InquiryCategory, InquiryChannel, InquiryInput } from '../../workflows/shared/contracts';
import { canSee, departmentScope, namesDepartments } from '../cases/case-access';
import { CaseMailer } from '../cases/case-mailer.service';
import { CaseRecord } from '../cases/case-record.entity';
import { CasesService } from '../cases/cases.service';
import { invalid, notFound, unprocessable } from '../common/errors';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DependencyMonitor } from '../health/dependency-monitor';
import type { Actor } from '../identity/current-user';
import { CaseRegistrations } from '../temporal/case-registrations';
import { waitForCaseNumber } from '../temporal/case-start';
import { startWorkflow } from '../temporal/typed-workflows';
import { actorRef } from '../cases/cases.service';
import { askerAnswer } from '../../workflows/shared/messages';
import type { AskerAnswerDto, CreateInquiryDto, InquiryReplyDto, ListInquiriesQuery, PhoneCallDto, PhoneFollowupDto } from './dto/inquiry.dto';

export interface IntakeAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * One inquiry as it comes in, from whichever channel: the workflow's input, with the files
 * themselves (stored before the workflow starts, which then gets references to them).
 */
export type InquiryIntake = Omit<InquiryInput, 'attachments' | 'vendorSilenceBusinessHours'> & { attachments: IntakeAttachment[] };

/** Where a case came from (the case page's "asked by"): see InquiriesService.origin. */
export interface CaseOrigin {
  inquiryNumber: string | null;
  channel: InquiryChannel | null;
  category: InquiryCategory | null;
  asker: InquiryAsker | null;
  mailFrom: string | null;
  monitoringRule: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** R-DESK-1: every inquiry in one place, whatever the channel it came by. */
@Injectable()
export class InquiriesService {
  constructor(
    private readonly em: EntityManager,
    private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dependencies: DependencyMonitor,
    private readonly cases: CasesService,
    private readonly caseMailer: CaseMailer,
    private readonly registrations: CaseRegistrations,
  ) {}

  private sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.em.getConnection().execute<T[]>(query, params);
  }

  /**
   * Stores the attachments under the intake id, then starts the inquiry workflow on an id from the
   * intake: the same intake twice (a retried mail, a resent request) is one inquiry.
   */
  async open(intake: InquiryIntake, options: { viaPerson?: boolean } = {}): Promise<{ workflowId: string; caseNumber: string | null; caseId: string | null }> {
    const refs: InquiryAttachmentRef[] = [];
    for (const file of intake.attachments) refs.push(await this.storeAttachment(intake.intakeId, null, file, intake.channel === 'mail' ? 'mail' : intake.channel));
    const workflowId = workflowIds.inquiry(intake.intakeId, this.config.temporal.workflowIdPrefix);
    const input: InquiryInput = {
      intakeId: intake.intakeId, subject: intake.subject, text: intake.text, asker: intake.asker, channel: intake.channel, category: intake.category,
      affected: intake.affected, receivedAt: intake.receivedAt, attachments: refs, mailMessageId: intake.mailMessageId ?? null, loggedBy: intake.loggedBy ?? null,
      vendorSilenceBusinessHours: this.config.sla.vendorSilenceBusinessHours,
    };
    const start = () => startWorkflow(this.temporal, 'inquiryWorkflow', { workflowId, taskQueue: this.config.temporal.taskQueue, args: [input] });
    let runId: string | null = null;
    try {
      const handle = options.viaPerson ? await this.dependencies.humanStep(start) : await start();
      runId = handle.firstExecutionRunId;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    if (runId) {
      const row = await this.registrations.waitForRow(runId);
      return { workflowId, caseNumber: row?.caseNumber ?? null, caseId: row?.caseId ?? null };
    }
    // Started before (the same intake again): its run id is not known here, so ask the workflow.
    const state = await waitForCaseNumber(this.temporal.workflow.getHandle(workflowId));
    return { workflowId, caseNumber: state?.caseNumber ?? null, caseId: state?.caseId ?? null };
  }

  /** Idempotent per intake, file name and content. */
  async storeAttachment(intakeId: string, caseId: string | null, file: IntakeAttachment, source: string): Promise<InquiryAttachmentRef> {
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const filename = cleanFilename(file.filename);
    const [existing] = await this.sql<{ id: string }>('select id from case_attachment where intake_id = ? and filename = ? and sha256 = ?', [intakeId, filename, sha256]);
    const id = existing?.id ?? randomUUID();
    if (!existing) {
      await this.sql(
        `insert into case_attachment (id, case_id, intake_id, filename, content_type, size, sha256, content, source, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, now())`,
        [id, caseId, intakeId, filename, file.contentType || 'application/octet-stream', file.content.length, sha256, file.content, source],
      );
    }
    return { id, filename, contentType: file.contentType || 'application/octet-stream', size: file.content.length };
  }

  async create(actor: Actor, body: CreateInquiryDto) {
    const self = actor.roles.includes('department') && !actor.roles.includes('operator') && !actor.roles.includes('general_affairs');
    if (self && (body.askerName || body.askerEmail || body.askerDepartmentId)) {
      throw invalid(body.askerName ? 'askerName' : body.askerEmail ? 'askerEmail' : 'askerDepartmentId', 'a department user asks for itself: leave the asker fields out');
    }
    if (!self && !body.askerName) throw invalid('askerName', 'askerName is required when the desk logs an inquiry for someone');
    if (body.askerDepartmentId) {
      const [department] = await this.sql('select 1 from department where id = ?', [body.askerDepartmentId]);
      if (!department) throw unprocessable('askerDepartmentId does not name a department', 'askerDepartmentId');
    }
    const attachments: IntakeAttachment[] = (body.attachments ?? []).map((a, index) => {
      const content = Buffer.from(a.contentBase64, 'base64');
      if (content.length === 0) throw invalid(`attachments.${index}.contentBase64`, 'an attachment must not be empty');
      return { filename: a.filename, contentType: a.contentType, content };
    });
    let asker: InquiryAsker;
    if (self) {
      asker = { name: actor.displayName, email: actor.email, userId: actor.userId, departmentId: actor.departmentId, organisation: null };
    } else {
      const email = body.askerEmail?.trim().toLowerCase() ?? null;
      const [user] = email ? await this.sql<{ id: string; department_id: string | null }>('select id, department_id from app_user where lower(email) = ? and disabled = false', [email]) : [];
      asker = { name: body.askerName!, email, userId: user?.id ?? null, departmentId: body.askerDepartmentId ?? user?.department_id ?? null, organisation: body.askerOrganisation ?? null };
    }
    const channel: InquiryChannel = body.channel ?? (self ? 'ui' : 'phone');
    if (self && (channel === 'phone' || channel === 'mail')) throw invalid('channel', 'a department user asking for itself uses ui or api');
    const result = await this.open({
      intakeId: `api-${randomUUID()}`, subject: body.subject.trim(), text: body.text, asker, channel, category: body.category,
      affected: body.affected?.trim() || null, receivedAt: body.receivedAt ? new Date(body.receivedAt).toISOString() : new Date().toISOString(), attachments,
      loggedBy: self ? null : { username: actor.username, displayName: actor.displayName },
    }, { viaPerson: true });
    return result;
  }

  /** The desk's list: inquiries with their SLA, oldest waiting first. */
  async list(actor: Actor, query: ListInquiriesQuery) {
    const scope = departmentScope(actor);
    if (scope === null) return { items: [] };
    const where: string[] = [`kind = 'inquiry'`];
    const params: unknown[] = [];
    if (query.open === 'true') where.push(`status <> 'done'`);
    if (scope) {
      const own = namesDepartments('case_record', [scope]);
      where.push(own.sql);
      params.push(...own.params);
    }
    const rows = await this.sql<{ id: string; number: string; subject: string; status: string; occurred_at: Date; assignee: string | null; sla: unknown; due_at: Date | null; breached: boolean; params: Record<string, unknown> | null; next_role: string | null }>(
      `select id, number, subject, status, occurred_at, assignee, sla, due_at, breached, params, next_role from case_record where ${where.join(' and ')}
       order by (status = 'done') asc, coalesce(due_at, occurred_at) asc limit ${Number(query.limit ?? 50)}`,
      params,
    );
    return {
      items: rows.map((r) => ({
        id: r.id, number: r.number, subject: r.subject, status: r.status, occurredAt: new Date(r.occurred_at).toISOString(), assignee: r.assignee,
        sla: (r.sla ?? null) as SlaView | null, dueAt: r.due_at ? new Date(r.due_at).toISOString() : null, breached: r.breached, nextRole: r.next_role,
        asker: (r.params?.asker as InquiryAsker | undefined) ?? null,
        channel: (r.params?.channel as InquiryChannel | undefined) ?? null, category: (r.params?.category as InquiryCategory | undefined) ?? null,
      })),
    };
  }

  /** The case detail, with the inquiry's fields, its files, its links and the calls not yet reported by mail. */
  async detail(actor: Actor, idOrNumber: string) {
    const detail = await this.cases.detail(actor, idOrNumber);
    const [attachments, links, calls] = await Promise.all([
      this.attachments(detail.id),
      this.links(actor, detail.id),
      this.callsWithoutMail(detail.id),
    ]);
    const origin = await this.origin(actor, { id: detail.id, number: detail.number, kind: detail.kind, params: detail.params });
    return { ...detail, inquiry: detail.kind === 'inquiry' ? detail.params : null, origin, attachments, links, callsWithoutMail: seesAll(actor) ? calls : [] };
  }

  async attachments(caseId: string) {
    const rows = await this.sql<{ id: string; filename: string; content_type: string; size: number; sha256: string; source: string; created_at: Date }>(
      'select id, filename, content_type, size, sha256, source, created_at from case_attachment where case_id = ? order by created_at asc, filename asc', [caseId],
    );
    return rows.map((r) => ({ id: r.id, filename: r.filename, contentType: r.content_type, size: Number(r.size), sha256: r.sha256, source: r.source, createdAt: new Date(r.created_at).toISOString() }));
  }

  private async links(actor: Actor, caseId: string) {
    const rows = await this.sql<{ relation: string; direction: string; number: string; kind: string; status: string; department_ids: string[] }>(
      `select l.relation, 'to' as direction, c.number, c.kind, c.status, c.department_ids from case_link l join case_record c on c.id = l.to_case_id where l.from_case_id = ?
       union all
       select l.relation, 'from' as direction, c.number, c.kind, c.status, c.department_ids from case_link l join case_record c on c.id = l.from_case_id where l.to_case_id = ?`,
      [caseId, caseId],
    );
    return rows.filter((r) => canSee(actor, { departmentIds: r.department_ids })).map((r) => ({ relation: r.relation, direction: r.direction, caseNumber: r.number, kind: r.kind, status: r.status }));
  }

  /** R-CONTACT-1: calls on the case that no mail has reported yet. */
  async callsWithoutMail(caseId: string) {
    const rows = await this.sql<{ id: string; at: Date; actor: string | null; message_ja: string; data: Record<string, unknown> | null }>(
      `select id, at, actor, message_ja, data from case_timeline where case_id = ? and kind = 'phone' and coalesce((data->>'reportSent')::boolean, false) = false order by at asc`, [caseId],
    );
    return rows.map((r) => ({ id: r.id, at: new Date(r.at).toISOString(), actor: r.actor, messageJa: r.message_ja, counterpart: textOrNull(r.data?.counterpart), summary: textOrNull(r.data?.summary) }));
  }

  async attachment(actor: Actor, id: string) {
    const [row] = await this.sql<{ case_id: string | null; filename: string; content_type: string; content: Buffer }>('select case_id, filename, content_type, content from case_attachment where id = ?', [id]);
    if (!row || !row.case_id) throw notFound(`Attachment ${id}`);
    await this.cases.find(actor, row.case_id);
    return { filename: row.filename, contentType: row.content_type, content: row.content };
  }

  /** A message to the asker from the desk page: the mail goes out and lands on the timeline. */
  async reply(actor: Actor, idOrNumber: string, body: InquiryReplyDto) {
    const record = await this.cases.find(actor, idOrNumber);
    const asker = (record.params?.asker ?? null) as InquiryAsker | null;
    if (record.kind !== 'inquiry' || !asker) throw unprocessable('only an inquiry has an asker to reply to', 'id');
    const to = asker.email ? [{ email: asker.email }] : asker.userId ? [{ userId: asker.userId }] : [];
    if (to.length === 0) throw unprocessable('the asker has no e-mail address: call them and log the call', 'id');
    const result = await this.caseMailer.send({
      caseId: record.id, key: `${record.number}.desk-reply.${randomUUID()}`,
      mail: { template: 'inquiry.notice', step: 'reply', caseNumber: record.number, caseSubject: record.subject, askerName: asker.name, message: body.text },
      to, cc: [{ userId: actor.userId }],
    });
    await this.sql(
      `insert into case_timeline (id, case_id, key, at, kind, actor, actor_username, message_ja, message_en, data) values (gen_random_uuid(), ?, ?, now(), 'note', ?, ?, ?, ?, ?)`,
      [record.id, `desk-reply:${result.messageId ?? randomUUID()}`, actor.displayName, actor.username, `問い合わせ元へ返信: ${body.text}`, `Replied to the asker: ${body.text}`, JSON.stringify({ messageId: result.messageId, to: result.to })],
    );
    return result;
  }

  /** The asker's own "solved" or "not solved" (a department user): the workflow's validator decides. */
  async confirm(actor: Actor, idOrNumber: string, body: AskerAnswerDto) {
    const record = await this.cases.find(actor, idOrNumber);
    if (record.kind !== 'inquiry') throw unprocessable('only an inquiry is confirmed by its asker', 'id');
    return this.dependencies.humanStep(() => this.temporal.workflow.getHandle(record.workflowId, record.runId).executeUpdate(askerAnswer, {
      args: [{ outcome: body.outcome, note: body.note, actor: actorRef(actor) }],
    }));
  }

  /** R-CONTACT-1: a call logged on any case; the follow-up mail is offered pre-filled. */
  async logCall(actor: Actor, idOrNumber: string, body: PhoneCallDto) {
    const record = await this.cases.find(actor, idOrNumber);
    const at = body.at ? new Date(body.at) : new Date();
    const id = randomUUID();
    await this.sql(
      `insert into case_timeline (id, case_id, key, at, kind, actor, actor_username, message_ja, message_en, data) values (?, ?, ?, ?, 'phone', ?, ?, ?, ?, ?)`,
      [id, record.id, `call:${id}`, at, actor.displayName, actor.username, `電話連絡（${body.counterpart}）: ${body.summary}`, `Phone call (${body.counterpart}): ${body.summary}`,
        JSON.stringify({ channel: 'phone', counterpart: body.counterpart, summary: body.summary, reportSent: false })],
    );
    const asker = (record.params?.asker ?? null) as InquiryAsker | null;
    return {
      callId: id, at: at.toISOString(),
      followup: {
        to: asker?.email ?? this.config.generalAffairsMailbox,
        subject: `【opsdesk】${record.number} 電話連絡の内容（事後報告） / Report of a phone call: ${record.subject}`,
        summary: body.summary, counterpart: body.counterpart, calledAt: at.toISOString(),
      },
    };
  }

  async sendCallFollowup(actor: Actor, idOrNumber: string, body: PhoneFollowupDto) {
    const record = await this.cases.find(actor, idOrNumber);
    const [call] = await this.sql<{ id: string; at: Date; data: Record<string, unknown> | null }>(`select id, at, data from case_timeline where id = ? and case_id = ? and kind = 'phone'`, [body.callId, record.id]);
    if (!call) throw notFound(`Call ${body.callId}`);
    const asker = (record.params?.asker ?? null) as InquiryAsker | null;
    const to = body.to ?? asker?.email ?? null;
    const summary = body.summary ?? text(call.data?.summary);
    const result = await this.caseMailer.send({
      caseId: record.id, key: `${record.number}.phone-report.${call.id}`,
      mail: { template: 'case.phone_followup', caseNumber: record.number, caseSubject: record.subject, calledAt: new Date(call.at).toISOString(), counterpart: text(call.data?.counterpart), summary, loggedBy: actor.displayName },
      to: to ? [{ email: to }] : [{ role: 'general_affairs' }], cc: [{ userId: actor.userId }],
    });
    await this.sql(`update case_timeline set data = coalesce(data, '{}'::jsonb) || ?::jsonb where id = ?`, [JSON.stringify({ reportSent: true, reportMessageId: result.messageId }), call.id]);
    return result;
  }

  /**
   * "Has this happened before?" (R-REC-6): the closed cases most like this one, by device, alert
   * and text, with what fixed them (the notes and findings of their last working steps). Text is
   * compared by character bigrams (Dice coefficient), which needs no word splitter and so works for
   * Japanese as well as English; the same device or alert adds to the score.
   */
  async similar(actor: Actor, idOrNumber: string) {
    const record = await this.cases.find(actor, idOrNumber);
    const scope = departmentScope(actor);
    // Not itself, and not the cases it is linked with (the inquiry it came from is the same matter).
    const params: unknown[] = [record.id, record.id, record.id];
    let where = `c.status = 'done' and c.id <> ? and not exists (select 1 from case_link l where (l.from_case_id = ? and l.to_case_id = c.id) or (l.to_case_id = ? and l.from_case_id = c.id))`;
    if (scope) {
      const own = namesDepartments('c', [scope]);
      where += ` and ${own.sql}`;
      params.push(...own.params);
    }
    const candidates = await this.sql<{ id: string; number: string; kind: string; subject: string; description: string | null; hostname: string | null; params: Record<string, unknown> | null; completed_at: Date | null }>(
      `select c.id, c.number, c.kind, c.subject, c.description, c.hostname, c.params, c.completed_at from case_record c where ${where} order by c.completed_at desc nulls last limit 2000`, params,
    );
    // The alert names of an incident are on its alert entries (mail or POST /api/alerts), the inquiry's in its params.
    const alertRows = await this.sql<{ case_id: string; alert_name: string }>(
      `select distinct case_id, data->>'alertName' as alert_name from case_timeline where kind = 'alert' and data->>'alertName' is not null and case_id = any(?::uuid[])`,
      [`{${[record.id, ...candidates.map((c) => c.id)].join(',')}}`],
    );
    const alertsOf = (id: string, p?: Record<string, unknown> | null) => {
      const names = new Set(alertRows.filter((a) => a.case_id === id).map((a) => a.alert_name.toLowerCase()));
      if (typeof p?.alertName === 'string') names.add(p.alertName.toLowerCase());
      return names;
    };
    const myAlerts = alertsOf(record.id, record.params);
    const mine = bigrams(`${record.subject} ${record.description ?? ''}`);
    const scored = candidates.map((c) => {
      const matchedOn: string[] = [];
      const text = dice(mine, bigrams(`${c.subject} ${c.description ?? ''}`));
      let score = text;
      if (text >= 0.2) matchedOn.push('text');
      if (record.hostname && c.hostname && record.hostname.toLowerCase() === c.hostname.toLowerCase()) {
        score += 0.3;
        matchedOn.push('device');
      }
      if ([...alertsOf(c.id, c.params)].some((a) => myAlerts.has(a))) {
        score += 0.2;
        matchedOn.push('alert');
      }
      return { ...c, score, matchedOn };
    }).filter((c) => c.score >= 0.2).sort((x, y) => y.score - x.score).slice(0, 5);
    const fixes = scored.length
      ? await this.sql<{ case_id: string; type: string; outcome: string | null; note: string | null; data: Record<string, unknown> | null; completed_by: string | null }>(
          `select case_id, type, outcome, note, data, completed_by from case_task where case_id = any(?::uuid[]) and state = 'done' and type in ('triage', 'vendor_repair', 'execute_work', 'inquiry_respond', 'inquiry_technical') order by completed_at asc`,
          [`{${scored.map((r) => r.id).join(',')}}`],
        )
      : [];
    const fixText = (data: Record<string, unknown> | null) => {
      for (const key of ['findings', 'summary', 'result', 'answer']) if (typeof data?.[key] === 'string') return data[key];
      return null;
    };
    // A department reads what the completion mail told it (findings, results, answers), not the
    // contractor's working notes, the maker's repair or who did it (departmentSeesEntry's rule).
    const shown = scope ? fixes.filter((f) => f.type !== 'vendor_repair') : fixes;
    return {
      items: scored.map((r) => ({
        caseNumber: r.number, kind: r.kind, subject: r.subject, hostname: r.hostname, completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null, score: Number(r.score.toFixed(3)),
        matchedOn: r.matchedOn,
        fixedBy: shown.filter((f) => f.case_id === r.id).map((f) => ({ step: f.type, outcome: f.outcome, note: scope ? null : f.note, what: fixText(f.data), by: scope ? null : f.completed_by })),
      })),
    };
  }

  /**
   * Where a case came from, for the case page: the asker and the channel of an inquiry, of the
   * inquiry an incident or work request was converted from, or the monitoring mail that opened an
   * incident. A department user sees the asker only when the asker is of its own department.
   */
  async origin(actor: Actor, record: { id: string; number: string; kind: string; params?: Record<string, unknown> | null }): Promise<CaseOrigin | null> {
    let inquiryNumber: string | null = null;
    let params: Record<string, unknown> | null | undefined = null;
    if (record.kind === 'inquiry') {
      inquiryNumber = record.number;
      params = record.params;
    } else {
      const [from] = await this.sql<{ number: string; params: Record<string, unknown> | null }>(
        `select c.number, c.params from case_link l join case_record c on c.id = l.from_case_id where l.to_case_id = ? and l.relation = 'converted' and c.kind = 'inquiry' limit 1`, [record.id],
      );
      if (from) {
        inquiryNumber = from.number;
        params = from.params;
      }
    }
    const visible = (asker: InquiryAsker | null) => (asker && (seesAll(actor) || (asker.departmentId && asker.departmentId === actor.departmentId)) ? asker : null);
    if (inquiryNumber) {
      return {
        inquiryNumber, channel: (params?.channel as InquiryChannel | undefined) ?? null, category: (params?.category as InquiryCategory | undefined) ?? null,
        asker: visible((params?.asker as InquiryAsker | undefined) ?? null), mailFrom: null, monitoringRule: null,
      };
    }
    const [mail] = await this.sql<{ detail: Record<string, unknown> | null }>(
      `select detail from mail_inbox where case_number = ? and outcome = 'alert' order by id asc limit 1`, [record.number],
    );
    if (!mail) return null;
    return {
      inquiryNumber: null, channel: 'mail', category: null, asker: null,
      mailFrom: seesAll(actor) ? textOrNull(mail.detail?.from) : null, monitoringRule: textOrNull(mail.detail?.rule),
    };
  }

  async findRecord(idOrNumber: string): Promise<CaseRecord | null> {
    return UUID.test(idOrNumber) ? this.em.fork().findOne(CaseRecord, { id: idOrNumber }) : this.em.fork().findOne(CaseRecord, { number: idOrNumber.toUpperCase() });
  }
}

const textOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Character bigrams of a text, after folding width and case and dropping spaces and punctuation. */
export function bigrams(value: string): Set<string> {
  const chars = Array.from(value.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, ''));
  const set = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) set.add(chars[i] + chars[i + 1]);
  return set;
}

export function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function seesAll(actor: Actor): boolean {
  return departmentScope(actor) === undefined;
}

/** A file name as given, without path parts or control characters (never used as a path). */
export function cleanFilename(name: string | undefined | null): string {
  const base = String(name ?? '').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean || 'attachment.bin';
}
