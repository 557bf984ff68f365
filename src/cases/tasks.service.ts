import { EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { STATUS_LABELS } from '../../workflows/shared/case-model';
import { Client } from '@temporalio/client';
import { completeTask } from '../../workflows/shared/messages';
import { checkTaskActor } from '../../workflows/shared/policy';
import { conflict, forbidden, notFound } from '../common/errors';
import type { Actor } from '../identity/current-user';
import { assertCanSee, departmentScope } from './case-access';
import { CaseRecord } from './case-record.entity';
import { CaseTask } from './case-task.entity';
import { actorRef, taskView } from './cases.service';
import type { ClaimTaskDto, CompleteTaskDto, ListTasksQuery } from './dto/cases.dto';
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
    let caseOfQuery: CaseRecord | null = null;
    if (query.caseId) {
      caseOfQuery = await this.em.findOne(CaseRecord, /^[0-9a-f-]{36}$/i.test(query.caseId) ? { id: query.caseId } : { number: query.caseId.toUpperCase() });
      if (!caseOfQuery) return { items: [] };
      assertCanSee(actor, caseOfQuery);
      where.caseId = caseOfQuery.id;
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
    // A case's own inbox (what a case page and its watchers poll) already has its case.
    const cases = caseOfQuery ? [caseOfQuery] : await this.em.find(CaseRecord, { id: { $in: [...new Set(tasks.map((t) => t.caseId))] } });
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

  /**
   * 自分が担当する: the step is marked as taken by this person, atomically, so that two operators
   * who press at the same moment do not both work on it. The same policy as completing applies.
   */
  async claim(actor: Actor, taskId: string, body: ClaimTaskDto) {
    const { task } = await this.actionableTask(actor, taskId);
    const taken = task.claimedByUsername && task.claimedByUsername !== actor.username;
    if (taken && !body.takeOver) throw takenBy(task);
    const rows = await this.em.getConnection().execute<Array<{ id: string }>>(
      `update case_task set claimed_by_username = ?, claimed_by_name = ?, claimed_at = now()
        where id = ? and state = 'open' and (claimed_by_username is null or claimed_by_username = ? or claimed_by_username = ? or ?)
        returning id`,
      [actor.username, actor.displayName, taskId, actor.username, task.claimedByUsername ?? null, !!body.takeOver],
    );
    if (rows.length === 0) throw conflict('この作業は他の担当者が先に担当しました。画面を更新してください。 / Someone else took this step just now; refresh.');
    return this.view(taskId);
  }

  /** 担当を外す: back to the role's shared queue. */
  async release(actor: Actor, taskId: string) {
    const { task } = await this.actionableTask(actor, taskId);
    if (task.claimedByUsername && task.claimedByUsername !== actor.username) throw takenBy(task);
    await this.em.getConnection().execute(
      'update case_task set claimed_by_username = null, claimed_by_name = null, claimed_at = null where id = ? and claimed_by_username = ?',
      [taskId, actor.username],
    );
    return this.view(taskId);
  }

  private async view(taskId: string) {
    const fresh = await this.em.fork().findOneOrFail(CaseTask, { id: taskId });
    return taskView(fresh);
  }

  /** An open task this actor may act on (role, department, separation of duties). */
  private async actionableTask(actor: Actor, taskId: string): Promise<TaskContext> {
    const context = await this.taskContext(taskId);
    assertCanSee(actor, context.record);
    if (context.task.state !== 'open') throw conflict('この作業は既に完了しているか、受け付けられない状態です。 / This step is no longer open.');
    assertTaskPolicy(actor, context);
    return context;
  }

  /** Completes a human step through the workflow's Update; its validator refuses before history. */
  async complete(actor: Actor, taskId: string, body: CompleteTaskDto) {
    const context = await this.taskContext(taskId);
    const { task, record } = context;
    assertCanSee(actor, record);
    // A step someone has taken is theirs until they release it or it is taken over (no collisions).
    if (task.state === 'open' && task.claimedByUsername && task.claimedByUsername !== actor.username) throw takenBy(task);
    // The shared task policy, answered before Temporal is asked; the workflow's Update validator
    // applies the same table to whatever reaches it (a task no longer open gets its answer there).
    if (task.state === 'open') assertTaskPolicy(actor, context);
    return this.dependencies.humanStep(() => this.temporal.workflow.getHandle(record.workflowId, record.runId).executeUpdate(completeTask, {
      args: [{ taskId, outcome: body.outcome, note: body.note, data: body.data, actor: actorRef(actor) }],
    }));
  }

  /**
   * The task, what of its case the checks read, and the case's completed steps, in one statement:
   * completing is the busiest write of the API (six per incident), and three ORM queries cost it
   * more CPU than the Update's own round trip through the API.
   */
  private async taskContext(taskId: string): Promise<TaskContext> {
    const [row] = await this.em.getConnection().execute<Array<{
      type: string; state: string; department_id: string | null; claimed_by_username: string | null; claimed_by_name: string | null;
      workflow_id: string; run_id: string; department_ids: string[]; done: Array<{ type: string; username: string | null }>;
    }>>(
      `select t.type, t.state, t.department_id, t.claimed_by_username, t.claimed_by_name, r.workflow_id, r.run_id, r.department_ids,
              coalesce((select json_agg(json_build_object('type', d.type, 'username', d.completed_by_username))
                          from case_task d where d.case_id = t.case_id and d.state = 'done'), '[]'::json) as done
         from case_task t join case_record r on r.id = t.case_id
        where t.id = ?`,
      [taskId],
    );
    if (!row) throw notFound(`Task ${taskId}`);
    return {
      task: { type: row.type, state: row.state, departmentId: row.department_id, claimedByUsername: row.claimed_by_username, claimedByName: row.claimed_by_name },
      record: { workflowId: row.workflow_id, runId: row.run_id, departmentIds: row.department_ids ?? [] },
      done: row.done,
    };
  }
}

interface TaskContext {
  task: { type: string; state: string; departmentId: string | null; claimedByUsername: string | null; claimedByName: string | null };
  record: { workflowId: string; runId: string; departmentIds: string[] };
  done: Array<{ type: string; username: string | null }>;
}

/** Role, department and separation of duties (workflows/shared/policy.ts), against the case's completed steps. */
function assertTaskPolicy(actor: Actor, { task, done }: TaskContext): void {
  const refusal = checkTaskActor(task, actorRef(actor), done.map((step) => ({ type: step.type, actor: { username: step.username } })));
  if (refusal) throw forbidden(refusal.message);
}

function takenBy(task: Pick<CaseTask, 'claimedByName' | 'claimedByUsername'>) {
  const name = task.claimedByName ?? task.claimedByUsername;
  return conflict(`この作業は ${name} さんが担当しています。引き継ぐ場合は「引き継ぐ」を押してください。 / ${name} has taken this step; take it over first.`);
}
