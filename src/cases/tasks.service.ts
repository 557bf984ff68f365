import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { STATUS_LABELS } from '../../workflows/shared/case-model';
import { Client } from '@temporalio/client';
import { completeTask } from '../../workflows/shared/messages';
import { checkTaskActor } from '../../workflows/shared/policy';
import { conflict, forbidden, notFound } from '../common/errors';
import type { Actor } from '../identity/current-user';
import { assertCanSee, departmentScope, namesDepartments } from './case-access';
import { CaseRecord } from './case-record.entity';
import { CaseTask } from './case-task.entity';
import { actorRef, taskView, type TaskViewSource } from './cases.service';
import type { ClaimTaskDto, CompleteTaskDto, ListTasksQuery } from './dto/cases.dto';
import { DependencyMonitor } from '../health/dependency-monitor';

/** An inbox row's columns: the task's, named as its properties, and its case's, prefixed. */
const INBOX_COLUMNS = `t.id, t.case_id as "caseId", t.case_number as "caseNumber", t.type, t.assignee_role as "assigneeRole", t.department_id as "departmentId",
  t.state, t.due_at as "dueAt", t.allowed_outcomes as "allowedOutcomes", t.suggested, t.created_at as "createdAt", t.completed_at as "completedAt",
  t.claimed_by_username as "claimedByUsername", t.claimed_by_name as "claimedByName", t.claimed_at as "claimedAt", t.completed_by as "completedBy",
  t.outcome, t.note, t.data, c.id is not null as "caseFound", c.kind as "caseKind", c.subject as "caseSubject", c.status as "caseStatus", c.severity as "caseSeverity",
  c.breached as "caseBreached", c.due_at as "caseDueAt", c.sla as "caseSla"`;

/** The columns of an inbox row's case, present when the case row is written. */
type InboxCaseColumns = {
  caseFound: true; caseKind: CaseRecord['kind']; caseSubject: string; caseStatus: CaseRecord['status']; caseSeverity: string | null;
  caseBreached: boolean; caseDueAt: string | null; caseSla: CaseRecord['sla'] | null;
};

/**
 * An inbox row as PostgreSQL returns it through the ORM's connection (timestamps as text). A task
 * whose case row is not written yet has every case column null.
 */
type InboxRow = Omit<TaskViewSource, 'dueAt' | 'createdAt' | 'completedAt' | 'claimedAt'> & {
  dueAt: string | null; createdAt: string; completedAt: string | null; claimedAt: string | null;
} & (InboxCaseColumns | ({ caseFound: false } & { [column in Exclude<keyof InboxCaseColumns, 'caseFound'>]: null }));

/** The inbox's order: the earliest deadline first, then the oldest; what case_task_inbox is sorted by. */
const INBOX_ORDER = 't.due_at asc nulls last, t.created_at asc';

const dateOrNull = (value: string | null | undefined): Date | null => (value ? new Date(value) : null);

@Injectable()
export class TasksService {
  constructor(
    private readonly em: EntityManager,
    private readonly temporal: Client,
    private readonly dependencies: DependencyMonitor,
  ) {}

  async list(actor: Actor, query: ListTasksQuery) {
    const conditions = ['t.state = ?'];
    const params: unknown[] = [query.state ?? 'open'];
    if (query.caseId) {
      const caseOfQuery = await this.em.findOne(CaseRecord, /^[0-9a-f-]{36}$/i.test(query.caseId) ? { id: query.caseId } : { number: query.caseId.toUpperCase() });
      if (!caseOfQuery) return { items: [] };
      assertCanSee(actor, caseOfQuery);
      conditions.push('t.case_id = ?');
      params.push(caseOfQuery.id);
    }
    const scope = departmentScope(actor);
    if (scope === null) return { items: [] };
    if (query.mine === 'true') {
      if (actor.roles.length === 0) return { items: [] };
      conditions.push(`t.assignee_role in (${actor.roles.map(() => '?').join(', ')})`);
      params.push(...actor.roles);
      if (actor.roles.includes('department')) {
        conditions.push('(t.department_id is null or t.department_id = ?)');
        params.push(actor.departmentId ?? null);
      }
    }
    // A department sees the tasks of its own cases. A subquery, not a list of its case ids: with years
    // of closed cases that list has tens of thousands of entries, and building it cost 0.5 s per call.
    if (scope) {
      const own = namesDepartments('r', [scope]);
      conditions.push(`t.case_id in (select r.id from case_record r where ${own.sql})`);
      params.push(...own.params);
    }
    // The inbox shows each task with its case's subject, status and SLA: one statement, without the
    // ORM's hydration of both wide entities (every open page polls the inbox). The page of tasks is
    // taken first (case_task_inbox gives them in order) and only its cases are joined: joining before
    // the limit joined all 10,000 open tasks of a busy queue to take 100.
    const rows = await this.em.getConnection().execute<InboxRow[]>(
      `select ${INBOX_COLUMNS}
         from (select * from case_task t where ${conditions.join(' and ')} order by ${INBOX_ORDER} limit ?) t
         left join case_record c on c.id = t.case_id
        order by ${INBOX_ORDER}`,
      [...params, query.limit ?? 100],
    );
    return {
      items: rows.map(({ caseFound, caseKind, caseSubject, caseStatus, caseSeverity, caseBreached, caseDueAt, caseSla, ...task }) => ({
        ...taskView({ ...task, dueAt: dateOrNull(task.dueAt), createdAt: new Date(task.createdAt), completedAt: dateOrNull(task.completedAt), claimedAt: dateOrNull(task.claimedAt) }),
        case: caseFound
          ? { kind: caseKind, subject: caseSubject, status: caseStatus, statusLabel: STATUS_LABELS[caseStatus], severity: caseSeverity ?? null, breached: caseBreached, dueAt: dateOrNull(caseDueAt)?.toISOString() ?? null, sla: caseSla ?? null }
          : null,
      })),
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
