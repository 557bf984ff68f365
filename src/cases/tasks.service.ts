import { EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { STATUS_LABELS } from '../../workflows/shared/case-model';
import { Client } from '@temporalio/client';
import { completeTask } from '../../workflows/shared/messages';
import { checkTaskActor } from '../../workflows/shared/policy';
import { forbidden, notFound } from '../common/errors';
import type { Actor } from '../identity/current-user';
import { toDomainError } from '../temporal/update-errors';
import { assertCanSee, departmentScope } from './case-access';
import { CaseRecord } from './case-record.entity';
import { CaseTask } from './case-task.entity';
import { actorRef, taskView } from './cases.service';
import type { CompleteTaskDto, ListTasksQuery } from './dto/cases.dto';
import { DependencyMonitor } from '../health/dependency-monitor';

@Injectable()
export class TasksService {
  constructor(
    private readonly em: EntityManager,
    private readonly temporal: Client,
    private readonly dependencies: DependencyMonitor,
  ) {}

  async list(actor: Actor, query: ListTasksQuery) {
    const where: FilterQuery<CaseTask> = { state: query.state ?? 'open' };
    if (query.caseId) {
      const record = await this.em.findOne(CaseRecord, /^[0-9a-f-]{36}$/i.test(query.caseId) ? { id: query.caseId } : { number: query.caseId.toUpperCase() });
      if (!record) return { items: [] };
      assertCanSee(actor, record);
      where.caseId = record.id;
    }
    const scope = departmentScope(actor);
    if (query.mine === 'true') {
      where.assigneeRole = { $in: actor.roles };
      if (actor.roles.includes('department')) where.$or = [{ departmentId: null }, { departmentId: actor.departmentId }];
    }
    if (scope === null) return { items: [] };
    const qb = this.em.createQueryBuilder(CaseTask, 't').select('*').where(where)
      .orderBy({ dueAt: 'asc nulls last', createdAt: 'asc' }).limit(query.limit ?? 100);
    // A department sees the tasks of its own cases. A subquery, not a list of its case ids: with years
    // of closed cases that list has tens of thousands of entries, and building it cost 0.5 s per call.
    if (scope) qb.andWhere('t.case_id in (select r.id from case_record r where r.department_ids @> array[?]::text[])', [scope]);
    const tasks = await qb.getResultList();
    // The inbox shows each task with its case's subject, status and SLA, in one extra query.
    const cases = await this.em.find(CaseRecord, { id: { $in: [...new Set(tasks.map((t) => t.caseId))] } });
    const byId = new Map(cases.map((c) => [c.id, c]));
    return {
      items: tasks.map((task) => {
        const record = byId.get(task.caseId);
        return {
          ...taskView(task),
          case: record
            ? { kind: record.kind, subject: record.subject, status: record.status, statusLabel: STATUS_LABELS[record.status], severity: record.severity ?? null, breached: record.breached, dueAt: record.dueAt?.toISOString() ?? null, sla: record.sla ?? null }
            : null,
        };
      }),
    };
  }

  /** Completes a human step through the workflow's Update; its validator refuses before history. */
  async complete(actor: Actor, taskId: string, body: CompleteTaskDto) {
    const task = await this.em.findOne(CaseTask, { id: taskId });
    if (!task) throw notFound(`Task ${taskId}`);
    const record = await this.em.findOneOrFail(CaseRecord, { id: task.caseId });
    assertCanSee(actor, record);
    if (task.state === 'open') {
      // The shared task policy (role, department, separation of duties), answered before Temporal is
      // asked; the workflow's Update validator applies the same table to whatever reaches it.
      const done = await this.em.find(CaseTask, { caseId: record.id, state: 'done' }, { fields: ['type', 'completedByUsername'] });
      const refusal = checkTaskActor(task, actorRef(actor), done.map((t) => ({ type: t.type, actor: { username: t.completedByUsername } })));
      if (refusal) throw forbidden(refusal.message);
    }
    this.dependencies.assertTemporalReachable();
    try {
      const result = await this.temporal.workflow.getHandle(record.workflowId, record.runId).executeUpdate(completeTask, {
        args: [{ taskId, outcome: body.outcome, note: body.note, data: body.data, actor: actorRef(actor) }],
      });
      return result;
    } catch (error) {
      throw toDomainError(error);
    }
  }
}
