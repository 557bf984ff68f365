import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { invalid, notFound, unprocessable } from '../common/errors';
import type { Actor } from '../identity/current-user';
import { checkMonitoringRule, matchMonitoringRule, type MonitoringRuleLike } from '../mail/inbound/classify';
import { readDeskSettings } from './desk-settings';
import type { DeskSettingsDto, MonitoringRuleDto, MonitoringSampleDto } from './dto/inquiry.dto';

/** The desk's settings and the monitoring-mail rules an admin edits. */
@Injectable()
export class DeskAdminService {
  constructor(private readonly em: EntityManager) {}

  private sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.em.getConnection().execute<T[]>(query, params);
  }

  settings() {
    return readDeskSettings((q, p) => this.sql(q, p));
  }

  async updateSettings(actor: Actor, body: DeskSettingsDto) {
    await this.sql(
      `insert into desk_setting (id, ack_business_minutes, max_attachment_bytes, updated_at, updated_by) values (1, ?, ?, now(), ?)
       on conflict (id) do update set ack_business_minutes = excluded.ack_business_minutes, max_attachment_bytes = excluded.max_attachment_bytes, updated_at = now(), updated_by = excluded.updated_by`,
      [body.ackBusinessMinutes, body.maxAttachmentBytes, actor.username],
    );
    return this.settings();
  }

  async rules() {
    const rows = await this.sql<Record<string, unknown>>('select id, name, sender, subject_pattern, resolved_pattern, alert_name, severity, enabled, created_at, updated_at from monitoring_mail_rule order by created_at asc');
    return { items: rows.map((r) => ({ id: r.id, name: r.name, sender: r.sender, subjectPattern: r.subject_pattern, resolvedPattern: r.resolved_pattern, alertName: r.alert_name, severity: r.severity, enabled: r.enabled })) };
  }

  /** What the rule makes of each sample mail (host, alert, severity, status), without saving anything. */
  test(body: MonitoringRuleDto) {
    const problem = checkMonitoringRule(body);
    if (problem) throw invalid(problem.field, problem.message);
    return { results: body.samples.map((sample, index) => this.trySample(body, sample, index)) };
  }

  private trySample(rule: MonitoringRuleLike, sample: MonitoringSampleDto, index: number) {
    const match = matchMonitoringRule([{ ...rule, enabled: true }], sample.from.trim().toLowerCase(), sample.subject);
    const expected = sample.shouldMatch !== false;
    return {
      index, from: sample.from, subject: sample.subject, matched: !!match, expected, ok: !!match === expected,
      hostname: match?.hostname ?? null, alertName: match?.alertName ?? null, severity: match?.severity ?? null, status: match?.status ?? null,
    };
  }

  /** Saved only when every sample behaves as said and at least one matches (tested before saving). */
  async createRule(body: MonitoringRuleDto) {
    const { results } = this.test(body);
    if (!results.some((r) => r.matched && r.expected)) throw unprocessable('at least one sample mail must match the rule before it is saved', 'samples');
    const wrong = results.find((r) => !r.ok);
    if (wrong) throw unprocessable(`sample ${wrong.index} ${wrong.expected ? 'does not match' : 'matches but should not'}: ${wrong.subject}`, `samples.${wrong.index}`);
    const id = randomUUID();
    await this.sql(
      `insert into monitoring_mail_rule (id, name, sender, subject_pattern, resolved_pattern, alert_name, severity, enabled, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, now(), now())`,
      [id, body.name.trim(), body.sender.trim().toLowerCase(), body.subjectPattern, body.resolvedPattern ?? null, body.alertName.trim(), body.severity, body.enabled ?? true],
    );
    return { id, results };
  }

  async deleteRule(id: string) {
    const rows = await this.sql('delete from monitoring_mail_rule where id = ? returning id', [id]);
    if (rows.length === 0) throw notFound(`Monitoring rule ${id}`);
    return { id, deleted: true };
  }

  /** The received mails and what became of them (the desk's and the admin's view of the mailbox). */
  async inbox(limit = 100) {
    const rows = await this.sql<Record<string, unknown>>(
      `select id, message_key, transport, envelope_from, received_at, processed_at, outcome, case_number, detail, attempts, last_error, size from mail_inbox order by id desc limit ${Math.min(500, Math.max(1, limit))}`,
    );
    return {
      items: rows.map((r) => ({
        id: String(r.id), messageId: r.message_key, transport: r.transport, envelopeFrom: r.envelope_from, receivedAt: new Date(r.received_at as string).toISOString(),
        processedAt: r.processed_at ? new Date(r.processed_at as string).toISOString() : null, outcome: r.outcome, caseNumber: r.case_number, detail: r.detail, attempts: r.attempts, lastError: r.last_error, size: r.size,
      })),
    };
  }
}
