import { EntityManager, NotFoundError } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Impact } from '../../workflows/shared/case-model';
import type { CaseEventInput, CasePatch, RegisterCaseInput, RegisteredCase } from '../../workflows/shared/contracts';
import type { CaseKind } from '../../workflows/shared/ids';
import { jstYear } from '../../workflows/shared/jst';
import { CaseRecord } from './case-record.entity';
import { TimelineEntry } from './timeline-entry.entity';
import { CASE_REGISTERED_CHANNEL } from '../temporal/case-start';

const PREFIX: Record<CaseKind, string> = { incident: 'INC', work_request: 'REQ', inquiry: 'INQ' };

/** Writes the case record (作業履歴) on behalf of the workflow; every write is idempotent. */
@Injectable()
export class CaseRecorder {
  constructor(private readonly em: EntityManager) {}

  /** Gives the case its number once per workflow run, however often it is retried. */
  async registerCase(input: RegisterCaseInput): Promise<RegisteredCase> {
    return this.em.fork().transactional(async (em) => {
      const existing = await em.findOne(CaseRecord, { runId: input.runId });
      if (existing) return { caseId: existing.id, caseNumber: existing.number };
      const year = jstYear(input.occurredAt);
      const prefix = PREFIX[input.kind];
      const [row] = await em.execute<Array<{ last: number }>>(
        `insert into case_number_sequence (prefix, year, last) values (?, ?, 1)
         on conflict (prefix, year) do update set last = case_number_sequence.last + 1 returning last`,
        [prefix, year],
      );
      const number = `${prefix}-${year}-${String(row.last).padStart(4, '0')}`;
      const now = new Date();
      const record = em.create(CaseRecord, {
        number,
        kind: input.kind,
        workflowId: input.workflowId,
        runId: input.runId,
        subject: input.subject,
        occurredAt: new Date(input.occurredAt),
        status: 'received',
        impact: input.impact ?? (input.severity ? { severity: input.severity as Impact['severity'] } : {}),
        severity: input.severity ?? null,
        hostname: input.hostname ?? null,
        unregisteredDevice: input.unregisteredDevice ?? false,
        alertCount: input.alertCount ?? 0,
        openedByAlertId: input.openedByAlertId ?? null,
        departmentIds: input.departmentIds ?? [],
        requesterId: input.requesterId ?? null,
        requestType: input.requestType ?? null,
        params: input.params ?? null,
        description: input.description ?? null,
        breached: false,
        createdAt: now,
        updatedAt: now,
      });
      em.persist(record);
      em.persist(
        em.create(TimelineEntry, {
          caseId: record.id,
          key: `${input.runId}:created`,
          at: new Date(input.occurredAt),
          kind: 'created',
          actor: input.createdBy ?? null,
          messageJa: `${number} を受け付けました（${input.subject}）`,
          messageEn: `${number} received (${input.subject})`,
          data: null,
        }),
      );
      // Delivered at commit: the API answer waiting for this run's number reads the row then.
      await em.execute('select pg_notify(?, ?)', [CASE_REGISTERED_CHANNEL, input.runId]);
      return { caseId: record.id, caseNumber: number };
    });
  }

  /**
   * Applies a patch, a timeline entry and task changes in one transaction, once per key.
   *
   * Every case step runs this (about twenty times per incident), so it is written as plain SQL: the
   * entity manager's load, snapshot, change-set and flush cost more CPU than the few statements it
   * ends up sending. The columns written are exactly those the entities would write.
   */
  async recordEvent(input: CaseEventInput): Promise<void> {
    await this.recordEvents([input]);
  }

  /**
   * Several steps in one transaction, in order; each applied once per key, as recordEvent. Each
   * step is one statement, and all of them go to PostgreSQL together: begin, the steps, commit are
   * three round trips whatever the batch holds (a completion's write used to take seven).
   */
  async recordEvents(inputs: CaseEventInput[]): Promise<void> {
    if (inputs.length === 0) return;
    await this.em.fork().transactional(async (em) => {
      const array = (values: string[]) => em.getPlatform().marshallArray(values);
      const now = new Date();
      const statements = inputs.map((input) => eventStatement(input, now, array));
      const answer = await em.execute<unknown[]>(statements.map((statement) => statement.sql).join(';\n'), statements.flatMap((statement) => statement.params));
      // One statement answers with its rows, several with a list of row lists.
      const perStep = (inputs.length === 1 ? [answer] : answer) as Array<Array<{ inserted: number; number: string | null }>>;
      perStep.forEach(([row], index) => {
        // No such case: fail (and roll the timeline row back), as loading the record used to.
        if (row && Number(row.inserted) > 0 && row.number === null) throw NotFoundError.findOneFailed('CaseRecord', { id: inputs[index].caseId });
      });
    });
  }
}

/**
 * One step as one statement. The timeline row is the idempotency key: only when it is new do the
 * case row and the tasks change (a retried step changes nothing). Its answer: whether the row was
 * new, and the case's number (null when there is no such case).
 */
function eventStatement(input: CaseEventInput, now: Date, array: (values: string[]) => string): { sql: string; params: unknown[] } {
  const { sets, params: setParams } = patchSql(input.patch ?? {}, now, array);
  const at = new Date(input.at);
  const parts = [
    `ins as (
       insert into case_timeline (id, case_id, key, at, kind, actor, actor_username, message_ja, message_en, data)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (key) do nothing returning id
     )`,
    `rec as (update case_record set ${sets.join(', ')} where id = ? and exists (select 1 from ins) returning number, workflow_id)`,
  ];
  const params: unknown[] = [
    input.caseId, input.key, at, input.entry.kind, input.entry.actor ?? null, input.entry.actorUsername ?? null,
    input.entry.messageJa, input.entry.messageEn, input.entry.data ? JSON.stringify(input.entry.data) : null,
    ...setParams, input.caseId,
  ];
  const openTasks = input.openTasks ?? [];
  if (openTasks.length > 0) {
    parts.push(`opened as (
       insert into case_task (id, case_id, case_number, workflow_id, type, assignee_role, department_id, state, allowed_outcomes, due_at, suggested, created_at)
       select v.id, ?::uuid, rec.number, rec.workflow_id, v.type, v.assignee_role, v.department_id, 'open', v.allowed_outcomes, v.due_at, v.suggested, ?::timestamptz
         from rec cross join (values ${openTasks.map(() => '(?::text, ?::text, ?::text, ?::uuid, ?::text[], ?::timestamptz, ?::jsonb)').join(', ')})
           as v (id, type, assignee_role, department_id, allowed_outcomes, due_at, suggested)
     )`);
    params.push(input.caseId, at);
    for (const task of openTasks) {
      params.push(
        task.taskId, task.type, task.assigneeRole, task.departmentId ?? null, array(task.allowedOutcomes),
        task.dueAt ? new Date(task.dueAt) : null, task.suggested ? JSON.stringify(task.suggested) : null,
      );
    }
  }
  const closeTasks = input.closeTasks ?? [];
  if (closeTasks.length > 0) {
    parts.push(`closed as (
       update case_task t set state = v.state, completed_at = ?::timestamptz, completed_by = v.completed_by, completed_by_username = v.completed_by_username,
              outcome = v.outcome, note = v.note, data = v.data
         from (values ${closeTasks.map(() => '(?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::jsonb)').join(', ')})
           as v (id, state, completed_by, completed_by_username, outcome, note, data)
        where t.id = v.id and exists (select 1 from rec)
     )`);
    params.push(at);
    for (const close of closeTasks) {
      params.push(
        close.taskId, close.state, close.completedBy ?? null, close.completedByUsername ?? null, close.outcome ?? null, close.note ?? null,
        close.data ? JSON.stringify(close.data) : null,
      );
    }
  }
  return {
    sql: `with ${parts.join(',\n')}
      select (select count(*) from ins)::int as inserted, rec.number from (values (1)) as one (x) left join rec on true`,
    params,
  };
}

type Column = { name: string; json?: boolean; array?: boolean };

/** CasePatch fields written as they are, with their case_record columns (others are ignored, as the entity ignored them). */
const PATCH_COLUMNS: Partial<Record<keyof CasePatch, Column>> = {
  subject: { name: 'subject' },
  status: { name: 'status' },
  resolution: { name: 'resolution' },
  assignee: { name: 'assignee' },
  assigneeUsername: { name: 'assignee_username' },
  impact: { name: 'impact', json: true },
  workPlan: { name: 'work_plan', json: true },
  approver: { name: 'approver' },
  severity: { name: 'severity' },
  departmentIds: { name: 'department_ids', array: true },
  params: { name: 'params', json: true },
  description: { name: 'description' },
  results: { name: 'results', json: true },
  nextRole: { name: 'next_role' },
};

/** The SET list of a patch, with the same meaning as assigning the fields to the entity and flushing. */
function patchSql(patch: CasePatch, now: Date, array: (values: string[]) => string): { sets: string[]; params: unknown[] } {
  const { alertCountIncrement, completedAt, sla, ...rest } = patch;
  const sets: string[] = [];
  const params: unknown[] = [];
  const set = (column: string, value: unknown) => {
    sets.push(`${column} = ?`);
    params.push(value);
  };
  for (const [key, value] of Object.entries(rest)) {
    const column = PATCH_COLUMNS[key as keyof CasePatch];
    if (value === undefined || !column) continue;
    set(column.name, value === null ? null : column.json ? JSON.stringify(value) : column.array ? array(value as string[]) : value);
  }
  if (completedAt !== undefined) set('completed_at', completedAt ? new Date(completedAt) : null);
  if (sla !== undefined) {
    set('sla', sla ? JSON.stringify(sla) : null);
    set('breached', sla?.breached ?? false);
    set('due_at', sla ? new Date(sla.dueAt) : null);
  }
  if (alertCountIncrement) {
    sets.push('alert_count = alert_count + ?');
    params.push(alertCountIncrement);
  }
  set('updated_at', now);
  return { sets, params };
}
