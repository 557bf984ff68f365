import { EntityManager, raw, type Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { CASE_STATUSES, KIND_LABELS, SEVERITIES, STATUS_LABELS, type ActorRef, type CaseStatus } from '../../workflows/shared/case-model';
import type { CaseKind } from '../../workflows/shared/ids';
import { holdCase, resumeCase, vendorContacted } from '../../workflows/shared/messages';
import { TASK_TYPES } from '../../workflows/shared/task-types';
import { notFound } from '../common/errors';
import type { Actor } from '../identity/current-user';
import { assertCanSee, DEPARTMENT_TIMELINE_KINDS, departmentScope, departmentSeesEntry, departmentSeesTask, namesDepartments, seesWholeCase } from './case-access';
import { CaseMailer } from './case-mailer.service';
import { CaseRecord } from './case-record.entity';
import { CaseTask } from './case-task.entity';
import { TimelineEntry } from './timeline-entry.entity';
import type { CaseSort, ContactDto, HoldDto, ListCasesQuery, NoteDto, ResumeDto, TrendsQuery } from './dto/cases.dto';
import { DependencyMonitor } from '../health/dependency-monitor';

/** Past this many matches a list reports "more than" instead of an exact total. */
export const LIST_COUNT_CAP = 1000;

/** The sortable properties and their columns. */
const SORT_COLUMNS = { occurredAt: 'occurred_at', number: 'number', status: 'status', severity: 'severity' } as const;
type SortProperty = keyof typeof SORT_COLUMNS;

/** The property a sort key sorts by, without its direction. */
function sortProperty(sort: CaseSort = '-occurredAt'): SortProperty {
  return (sort.startsWith('-') ? sort.slice(1) : sort) as SortProperty;
}

/**
 * ORDER BY of a sort key, over `column(property)`; ties by number, newest first. Status follows
 * the workflow (not text order); cases without a severity come last either way.
 */
function caseOrderSql(sort: CaseSort = '-occurredAt', column: (property: SortProperty) => string): string {
  const desc = sort.startsWith('-');
  const property = sortProperty(sort);
  const dir = desc ? 'desc' : 'asc';
  const first =
    property === 'status' ? `case ${column('status')} ${CASE_STATUSES.map((s, i) => `when '${s}' then ${i}`).join(' ')} else ${CASE_STATUSES.length} end ${dir}`
      : property === 'severity' ? `case ${column('severity')} ${SEVERITIES.map((s, i) => `when '${s}' then ${SEVERITIES.length - i}`).join(' ')} else null end ${dir} nulls last`
        : `${column(property)} ${dir}`;
  return property === 'number' ? first : `${first}, ${column('number')} desc`;
}

/** The columns of a list row: caseSummary's, named as its properties. */
const LIST_COLUMNS = `c.id, c.number, c.kind, c.subject, c.status, c.resolution, c.severity, c.hostname, c.request_type as "requestType", c.impact,
  c.occurred_at as "occurredAt", c.assignee, c.approver, c.completed_at as "completedAt", c.due_at as "dueAt", c.breached, c.next_role as "nextRole",
  c.department_ids as "departmentIds", c.alert_count as "alertCount", c.workflow_id as "workflowId", c.work_plan as "workPlan", c.sla,
  c.updated_at as "updatedAt"`;

/** What caseSummary shows of a record. */
export type CaseSummarySource = Pick<CaseRecord, 'id' | 'number' | 'kind' | 'subject' | 'status' | 'resolution' | 'severity' | 'hostname' | 'requestType' | 'impact'
  | 'occurredAt' | 'assignee' | 'approver' | 'completedAt' | 'dueAt' | 'breached' | 'nextRole' | 'departmentIds' | 'alertCount' | 'workflowId' | 'workPlan' | 'sla' | 'updatedAt'>;

/** A list row as PostgreSQL returns it through the ORM's connection (timestamps as text). */
type ListRow = Omit<CaseSummarySource, 'occurredAt' | 'completedAt' | 'dueAt' | 'updatedAt'> & {
  occurredAt: string; completedAt: string | null; dueAt: string | null; updatedAt: string; matches: string;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function actorRef(actor: Actor): ActorRef {
  return { userId: actor.userId, username: actor.username, displayName: actor.displayName, roles: actor.roles, departmentId: actor.departmentId, email: actor.email };
}

export function caseSummary(record: CaseSummarySource) {
  return {
    id: record.id,
    number: record.number,
    kind: record.kind,
    kindLabel: KIND_LABELS[record.kind],
    subject: record.subject,
    status: record.status,
    statusLabel: STATUS_LABELS[record.status],
    resolution: record.resolution ?? null,
    severity: record.severity ?? null,
    hostname: record.hostname ?? null,
    requestType: record.requestType ?? null,
    /** R-REC-5 影響度: scope and whether services stopped. */
    impact: { scope: record.impact?.scope ?? null, serviceStopped: record.impact?.serviceStopped ?? null },
    occurredAt: record.occurredAt.toISOString(),
    assignee: record.assignee ?? null,
    approver: record.approver ?? null,
    completedAt: record.completedAt?.toISOString() ?? null,
    dueAt: record.dueAt?.toISOString() ?? null,
    breached: record.breached,
    nextRole: record.nextRole ?? null,
    departmentIds: record.departmentIds,
    alertCount: record.alertCount,
    workflowId: record.workflowId,
    workPlan: record.workPlan ?? null,
    sla: record.sla ?? null,
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** What taskView shows of a task. */
export type TaskViewSource = Pick<CaseTask, 'id' | 'caseId' | 'caseNumber' | 'type' | 'assigneeRole' | 'departmentId' | 'state' | 'dueAt' | 'allowedOutcomes' | 'suggested'
  | 'createdAt' | 'completedAt' | 'claimedByUsername' | 'claimedByName' | 'claimedAt' | 'completedBy' | 'outcome' | 'note' | 'data'>;

export function taskView(task: TaskViewSource) {
  const definition = TASK_TYPES[task.type];
  return {
    id: task.id,
    caseId: task.caseId,
    caseNumber: task.caseNumber,
    type: task.type,
    label: definition ? { ja: definition.labelJa, en: definition.labelEn } : { ja: task.type, en: task.type },
    assigneeRole: task.assigneeRole,
    departmentId: task.departmentId ?? null,
    state: task.state,
    dueAt: task.dueAt?.toISOString() ?? null,
    allowedOutcomes: task.allowedOutcomes,
    suggested: task.suggested ?? null,
    createdAt: task.createdAt.toISOString(),
    completedAt: task.completedAt?.toISOString() ?? null,
    claimedBy: task.claimedByUsername ? { username: task.claimedByUsername, name: task.claimedByName ?? task.claimedByUsername, at: task.claimedAt?.toISOString() ?? null } : null,
    completedBy: task.completedBy ?? null,
    outcome: task.outcome ?? null,
    note: task.note ?? null,
    data: task.data ?? null,
  };
}

/** Open cases by age (since they occurred), for the dashboard. */
const AGE_BUCKETS = [
  { key: 'lt1d', ja: '1日未満', en: '< 1 day' },
  { key: '1to3d', ja: '1〜3日', en: '1–3 days' },
  { key: '3to7d', ja: '3〜7日', en: '3–7 days' },
  { key: '7to30d', ja: '7〜30日', en: '7–30 days' },
  { key: 'ge30d', ja: '30日以上', en: '30 days or more' },
] as const;

@Injectable()
export class CasesService {
  constructor(
    private readonly em: EntityManager,
    private readonly temporal: Client,
    private readonly caseMailer: CaseMailer,
    private readonly dependencies: DependencyMonitor,
  ) {}

  /**
   * 作業履歴, newest first by 発生日時 unless `sort` names another column (number, status, severity). `total` is exact up to LIST_COUNT_CAP matches; past it the
   * list says "more than" (`totalExact: false`) instead of counting every row on each page turn:
   * with years of cases an exact count costs a scan of every match (tens of milliseconds),
   * capped it costs a millisecond. Exact figures per kind and status come from `counts()`.
   */
  async list(actor: Actor, query: ListCasesQuery) {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const filter = this.listFilter(actor, query);
    if (!filter) return { items: [], total: 0, totalExact: true, limit, offset };
    // One statement for the capped count and the page (one round trip, no ORM hydration): a list
    // is the most frequent request of the UI. One ordered walk finds the matches up to the cap
    // (or to the page, past it) by number and sort key only, which case_record_list answers
    // without reading the wide rows; it both counts them and gives the page, whose rows are read
    // last. The count row comes back even past the last page.
    const sortColumn = SORT_COLUMNS[sortProperty(query.sort)];
    const rows = await this.em.getConnection().execute<ListRow[]>(
      `with hits as (select c.number${sortColumn === 'number' ? '' : `, c.${sortColumn}`} from case_record c where ${filter.where}
                      order by ${caseOrderSql(query.sort, (property) => `c.${SORT_COLUMNS[property]}`)} limit ?)
       select m.matches, p.* from (select count(*) as matches from hits) m
         left join lateral (select ${LIST_COLUMNS}
                              from (select hits.number from hits order by ${caseOrderSql(query.sort, (property) => `hits.${SORT_COLUMNS[property]}`)} limit ? offset ?) page
                              join case_record c on c.number = page.number) p on true
        order by ${caseOrderSql(query.sort, (property) => `p."${property}"`)}`,
      [...filter.params, Math.max(LIST_COUNT_CAP + 1, offset + limit), limit, offset],
    );
    const summaries = rows.filter((row) => row.id !== null).map((row) => caseSummary({
      ...row,
      occurredAt: new Date(row.occurredAt),
      completedAt: row.completedAt ? new Date(row.completedAt) : null,
      dueAt: row.dueAt ? new Date(row.dueAt) : null,
      updatedAt: new Date(row.updatedAt),
    }));
    const items = query.withActions ? await this.withActions(actor, summaries) : summaries;
    const total = Math.max(Number(rows[0]?.matches ?? 0), offset + items.length);
    return { items, total: Math.min(total, LIST_COUNT_CAP), totalExact: total <= LIST_COUNT_CAP, limit, offset };
  }

  /**
   * R-REC-6 対応内容 for an export: how many entries each case's record has and the latest one. A
   * department counts only the kinds it always sees (DEPARTMENT_TIMELINE_KINDS), never more than its
   * case view shows.
   */
  private async withActions<T extends { id: string }>(actor: Actor, items: T[]) {
    if (items.length === 0) return [];
    const knex = this.em.getKnex();
    const ids = items.map((i) => i.id);
    const kinds = seesWholeCase(actor) ? null : [...DEPARTMENT_TIMELINE_KINDS];
    const scoped = (qb: Knex.QueryBuilder) => (kinds ? qb.whereIn('kind', kinds) : qb);
    const [counts, latest] = await Promise.all([
      scoped(knex('case_timeline').select('case_id').count('* as n').whereIn('case_id', ids).groupBy('case_id')) as unknown as Promise<Array<{ case_id: string; n: string }>>,
      scoped(knex('case_timeline').distinctOn('case_id').select('case_id', 'at', 'message_ja', 'message_en').whereIn('case_id', ids).orderBy([{ column: 'case_id' }, { column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }])) as unknown as Promise<Array<{ case_id: string; at: Date; message_ja: string; message_en: string }>>,
    ]);
    const countOf = new Map(counts.map((c) => [c.case_id, Number(c.n)]));
    const lastOf = new Map(latest.map((l) => [l.case_id, { at: new Date(l.at).toISOString(), messageJa: l.message_ja, messageEn: l.message_en }]));
    return items.map((item) => ({ ...item, actionCount: countOf.get(item.id) ?? 0, lastAction: lastOf.get(item.id) ?? null }));
  }

  /** Exact case counts per kind and status (the dashboard), in one index-only pass. */
  async counts(actor: Actor) {
    const scope = departmentScope(actor);
    const counts: Record<CaseKind, Partial<Record<CaseStatus, number>>> = { incident: {}, work_request: {}, inquiry: {} };
    if (scope === null) return counts;
    const qb = this.em.createQueryBuilder(CaseRecord, 'c').select(['kind', 'status', raw('count(*) as n')]).groupBy(['kind', 'status']);
    if (scope) qb.where({ departmentIds: { $contains: [scope] } });
    const rows = await qb.execute<Array<{ kind: CaseKind; status: CaseStatus; n: string }>>('all', false);
    for (const row of rows) counts[row.kind][row.status] = Number(row.n);
    return counts;
  }

  /**
   * Issue 22's trends, computed by PostgreSQL in Japan time: cases opened per week (both kinds, the
   * weeks without any included), SLA results per month (an SLA counts in the month its measure
   * stopped; met = stopped without a breach), and the open cases by how long ago they occurred.
   */
  async trends(actor: Actor, query: TrendsQuery) {
    const weeks = query.weeks ?? 12;
    const months = query.months ?? 6;
    const scope = departmentScope(actor);
    // Department users see their own department's cases only (CASE_VISIBILITY), like the list.
    const own = typeof scope === 'string' ? namesDepartments('c', [scope]) : null;
    const where = scope === undefined ? 'true' : own?.sql ?? 'false';
    const bind = own?.params ?? [];
    const db = this.em.getConnection();
    const perWeek = await db.execute<Array<{ week: string; incidents: string; requests: string }>>(
      `select to_char(w.week, 'YYYY-MM-DD') as week,
              count(c.id) filter (where c.kind = 'incident') as incidents,
              count(c.id) filter (where c.kind = 'work_request') as requests
         from generate_series(date_trunc('week', now() at time zone 'Asia/Tokyo') - (?::int - 1) * interval '1 week',
                              date_trunc('week', now() at time zone 'Asia/Tokyo'), interval '1 week') as w(week)
         left join case_record c on date_trunc('week', c.occurred_at at time zone 'Asia/Tokyo') = w.week and ${where}
        group by w.week order by w.week`,
      [weeks, ...bind],
    );
    const perMonth = await db.execute<Array<{ month: string; measured: string; met: string }>>(
      `select to_char(m.month, 'YYYY-MM') as month,
              count(c.id) as measured,
              count(c.id) filter (where not coalesce((c.sla ->> 'breached')::boolean, false)) as met
         from generate_series(date_trunc('month', now() at time zone 'Asia/Tokyo') - (?::int - 1) * interval '1 month',
                              date_trunc('month', now() at time zone 'Asia/Tokyo'), interval '1 month') as m(month)
         left join case_record c on c.sla ->> 'stoppedAt' is not null
              and date_trunc('month', (c.sla ->> 'stoppedAt')::timestamptz at time zone 'Asia/Tokyo') = m.month and ${where}
        group by m.month order by m.month`,
      [months, ...bind],
    );
    const byAge = await db.execute<Array<{ bucket: number; n: string }>>(
      `select case when age < interval '1 day' then 0 when age < interval '3 days' then 1 when age < interval '7 days' then 2
                   when age < interval '30 days' then 3 else 4 end as bucket, count(*) as n
         from (select now() - c.occurred_at as age from case_record c
                where c.status in ('received', 'in_progress', 'on_hold', 'verifying') and ${where}) as open
        group by 1`,
      bind,
    );
    const ages = AGE_BUCKETS.map((b, i) => ({ ...b, count: Number(byAge.find((r) => Number(r.bucket) === i)?.n ?? 0) }));
    return {
      weeks: perWeek.map((r) => ({ weekStart: r.week, incidents: Number(r.incidents), workRequests: Number(r.requests) })),
      slaByMonth: perMonth.map((r) => {
        const measured = Number(r.measured);
        const met = Number(r.met);
        return { month: r.month, measured, met, metPercent: measured ? Math.round((met / measured) * 1000) / 10 : null };
      }),
      openByAge: ages,
    };
  }

  /** The list's WHERE (over `c`) for this actor, or null when the actor may see none of what was asked. */
  private listFilter(actor: Actor, query: ListCasesQuery): { where: string; params: unknown[] } | null {
    const scope = departmentScope(actor);
    if (scope === null || (query.departmentId && !UUID.test(query.departmentId))) return null;
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (condition: string, ...values: unknown[]) => {
      conditions.push(condition);
      params.push(...values);
    };
    if (query.kind) add('c.kind = ?', query.kind);
    if (query.status) {
      const statuses = query.status.split(',');
      add(`c.status in (${statuses.map(() => '?').join(', ')})`, ...statuses);
    }
    if (query.breached !== undefined) add('c.breached = ?', query.breached);
    if (query.from) add('c.occurred_at >= ?', new Date(query.from));
    if (query.to) add('c.occurred_at < ?', new Date(query.to));
    const departments = [scope, query.departmentId].filter((d): d is string => typeof d === 'string' && UUID.test(d));
    if (departments.length) {
      const named = namesDepartments('c', departments);
      add(named.sql, ...named.params);
    }
    if (query.q) add('c.search_text like ?', `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    return { where: conditions.length ? conditions.join(' and ') : 'true', params };
  }

  async find(actor: Actor, idOrNumber: string): Promise<CaseRecord> {
    const record = UUID.test(idOrNumber)
      ? await this.em.findOne(CaseRecord, { id: idOrNumber })
      : await this.em.findOne(CaseRecord, { number: idOrNumber.toUpperCase() });
    if (!record) throw notFound(`Case ${idOrNumber}`);
    assertCanSee(actor, record);
    return record;
  }

  async detail(actor: Actor, idOrNumber: string) {
    const record = await this.find(actor, idOrNumber);
    const [fullTimeline, allTasks] = await Promise.all([
      this.em.find(TimelineEntry, { caseId: record.id }, { orderBy: { at: 'asc', id: 'asc' } }),
      this.em.find(CaseTask, { caseId: record.id }, { orderBy: { createdAt: 'asc' } }),
    ]);
    // A department reads its part of the case only (see departmentSeesEntry); enforced here, not in the UI.
    const whole = seesWholeCase(actor);
    const timeline = whole ? fullTimeline : fullTimeline.filter((e) => departmentSeesEntry(e, actor));
    const tasks = whole ? allTasks : allTasks.filter((t) => departmentSeesTask(t.type));
    return {
      ...caseSummary(record),
      record: {
        subject: record.subject,
        assignee: record.assignee ?? null,
        occurredAt: record.occurredAt.toISOString(),
        status: record.status,
        statusLabel: STATUS_LABELS[record.status],
        impact: record.impact,
        actions: timeline.length,
        workPlan: record.workPlan ?? null,
        approver: record.approver ?? null,
        completedAt: record.completedAt?.toISOString() ?? null,
      },
      description: record.description ?? null,
      params: record.params ?? null,
      unregisteredDevice: record.unregisteredDevice,
      sla: record.sla ?? null,
      results: record.results ?? null,
      timeline: timeline.map((e) => ({
        id: e.id, at: e.at.toISOString(), kind: e.kind, actor: e.actor ?? null, actorUsername: e.actorUsername ?? null,
        messageJa: e.messageJa, messageEn: e.messageEn, data: e.data ?? null,
      })),
      openTasks: tasks.filter((t) => t.state === 'open').map(taskView),
      doneTasks: tasks.filter((t) => t.state !== 'open').map(taskView),
    };
  }

  async hold(actor: Actor, idOrNumber: string, body: HoldDto) {
    const record = await this.find(actor, idOrNumber);
    await this.dependencies.humanStep(() => this.temporal.workflow.getHandle(record.workflowId, record.runId).executeUpdate(holdCase, { args: [{ reason: body.reason, waitingFor: body.waitingFor ?? 'other', actor: actorRef(actor) }] }));
    // The workflow's activities changed the record behind this request's identity map.
    this.em.clear();
    return this.detail(actor, record.id);
  }

  async resume(actor: Actor, idOrNumber: string, body: ResumeDto) {
    const record = await this.find(actor, idOrNumber);
    await this.dependencies.humanStep(() => this.temporal.workflow.getHandle(record.workflowId, record.runId).executeUpdate(resumeCase, { args: [{ reason: body.reason, actor: actorRef(actor) }] }));
    // The workflow's activities changed the record behind this request's identity map.
    this.em.clear();
    return this.detail(actor, record.id);
  }

  async addNote(actor: Actor, idOrNumber: string, body: NoteDto) {
    const record = await this.find(actor, idOrNumber);
    const entry = this.em.create(TimelineEntry, {
      caseId: record.id, key: `note:${randomUUID()}`, at: new Date(), kind: 'note', actor: actor.displayName, actorUsername: actor.username,
      messageJa: body.vendorProgress ? `メーカー対応状況: ${body.text}` : body.text,
      messageEn: body.vendorProgress ? `Maker's progress: ${body.text}` : body.text,
      data: { vendorProgress: body.vendorProgress ?? false, authorRole: actor.roles.includes('department') ? 'department' : actor.roles[0] },
    });
    await this.em.persistAndFlush(entry);
    if (body.vendorProgress) await this.signalVendorContact(record);
    return { id: entry.id, at: entry.at.toISOString() };
  }

  /** R-CONTACT-1: a phone call is logged, and its e-mail report can be sent from the log. */
  async logContact(actor: Actor, idOrNumber: string, body: ContactDto) {
    const record = await this.find(actor, idOrNumber);
    const at = body.at ? new Date(body.at) : new Date();
    const channelJa = { phone: '電話', email: 'メール', in_person: '対面' }[body.channel];
    const entry = this.em.create(TimelineEntry, {
      caseId: record.id, key: `contact:${randomUUID()}`, at, kind: body.channel === 'phone' ? 'phone' : 'note', actor: actor.displayName, actorUsername: actor.username,
      messageJa: `${channelJa}連絡（${body.counterpart}）: ${body.summary}`,
      messageEn: `${body.channel} contact (${body.counterpart}): ${body.summary}`,
      data: { channel: body.channel, counterpartKind: body.counterpartKind, counterpart: body.counterpart, reportSent: false },
    });
    await this.em.persistAndFlush(entry);
    if (body.counterpartKind === 'vendor') await this.signalVendorContact(record);
    let report = null;
    if (body.sendReport) {
      report = await this.caseMailer.send({
        caseId: record.id,
        key: `${record.number}.phone-report.${entry.id}`,
        mail: { template: 'case.phone_followup', caseNumber: record.number, caseSubject: record.subject, calledAt: at.toISOString(), counterpart: body.counterpart, summary: body.summary, loggedBy: actor.displayName },
        to: [{ role: 'general_affairs' }],
        cc: [{ userId: actor.userId }],
      });
      entry.data = { ...entry.data, reportSent: true, reportMessageId: report.messageId };
      await this.em.flush();
    }
    return { id: entry.id, at: at.toISOString(), report };
  }

  private async signalVendorContact(record: CaseRecord): Promise<void> {
    if (record.status === 'done') return;
    try {
      await this.temporal.workflow.getHandle(record.workflowId, record.runId).signal(vendorContacted, { at: new Date().toISOString() });
    } catch {
      // The workflow may have just finished; the note itself is recorded.
    }
  }
}
