import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { CaseStatus, Impact, SlaView, WorkPlan } from '../../workflows/shared/case-model';
import type { CaseKind } from '../../workflows/shared/ids';
import { CaseRecord } from './case-record.entity';
import { CaseTask, type TaskState } from './case-task.entity';
import { TimelineEntry, type TimelineKind } from './timeline-entry.entity';

export interface RegisterCaseInput {
  kind: CaseKind;
  workflowId: string;
  runId: string;
  subject: string;
  occurredAt: string;
  severity?: string | null;
  hostname?: string | null;
  unregisteredDevice?: boolean;
  departmentIds?: string[];
  requesterId?: string | null;
  requestType?: string | null;
  params?: Record<string, unknown> | null;
  description?: string | null;
  impact?: Impact;
  createdBy?: string | null;
  alertCount?: number;
}

export interface RegisteredCase {
  caseId: string;
  caseNumber: string;
}

export interface CasePatch {
  subject?: string;
  status?: CaseStatus;
  resolution?: string | null;
  assignee?: string | null;
  assigneeUsername?: string | null;
  impact?: Impact;
  workPlan?: WorkPlan | null;
  approver?: string | null;
  completedAt?: string | null;
  severity?: string | null;
  departmentIds?: string[];
  params?: Record<string, unknown> | null;
  description?: string | null;
  sla?: SlaView | null;
  results?: Record<string, unknown> | null;
  nextRole?: string | null;
  /** Added to the counter (alerts joining an open incident). */
  alertCountIncrement?: number;
}

export interface TimelineInput {
  kind: TimelineKind;
  actor?: string | null;
  actorUsername?: string | null;
  messageJa: string;
  messageEn: string;
  data?: Record<string, unknown> | null;
}

export interface TaskOpenInput {
  taskId: string;
  type: string;
  assigneeRole: string;
  departmentId?: string | null;
  allowedOutcomes: string[];
  dueAt?: string | null;
  suggested?: Record<string, unknown> | null;
}

export interface TaskCloseInput {
  taskId: string;
  state: Exclude<TaskState, 'open'>;
  completedBy?: string | null;
  completedByUsername?: string | null;
  outcome?: string | null;
  note?: string | null;
  data?: Record<string, unknown> | null;
}

export interface CaseEventInput {
  caseId: string;
  /** Unique per step of the workflow: the same key twice is applied once. */
  key: string;
  at: string;
  patch?: CasePatch;
  entry: TimelineInput;
  openTasks?: TaskOpenInput[];
  closeTasks?: TaskCloseInput[];
}


const PREFIX: Record<CaseKind, string> = { incident: 'INC', work_request: 'REQ' };

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
      return { caseId: record.id, caseNumber: number };
    });
  }

  /** Applies a patch, a timeline entry and task changes in one transaction, once per key. */
  async recordEvent(input: CaseEventInput): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      const inserted = await em.execute<Array<{ id: string }>>(
        `insert into case_timeline (id, case_id, key, at, kind, actor, actor_username, message_ja, message_en, data)
         values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (key) do nothing returning id`,
        [
          input.caseId, input.key, new Date(input.at), input.entry.kind, input.entry.actor ?? null, input.entry.actorUsername ?? null,
          input.entry.messageJa, input.entry.messageEn, input.entry.data ? JSON.stringify(input.entry.data) : null,
        ],
      );
      if (inserted.length === 0) return; // applied before: a retry
      const record = await em.findOneOrFail(CaseRecord, { id: input.caseId });
      if (input.patch) applyPatch(record, input.patch);
      record.updatedAt = new Date();
      for (const task of input.openTasks ?? []) {
        em.persist(
          em.create(CaseTask, {
            id: task.taskId,
            caseId: record.id,
            caseNumber: record.number,
            workflowId: record.workflowId,
            type: task.type,
            assigneeRole: task.assigneeRole,
            departmentId: task.departmentId ?? null,
            state: 'open',
            allowedOutcomes: task.allowedOutcomes,
            dueAt: task.dueAt ? new Date(task.dueAt) : null,
            suggested: task.suggested ?? null,
            createdAt: new Date(input.at),
          }),
        );
      }
      for (const close of input.closeTasks ?? []) {
        const task = await em.findOne(CaseTask, { id: close.taskId });
        if (!task) continue;
        Object.assign(task, {
          state: close.state,
          completedAt: new Date(input.at),
          completedBy: close.completedBy ?? null,
          completedByUsername: close.completedByUsername ?? null,
          outcome: close.outcome ?? null,
          note: close.note ?? null,
          data: close.data ?? null,
        });
      }
    });
  }
}

function applyPatch(record: CaseRecord, patch: CasePatch): void {
  const { alertCountIncrement, completedAt, sla, ...rest } = patch;
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) (record as unknown as Record<string, unknown>)[key] = value;
  }
  if (completedAt !== undefined) record.completedAt = completedAt ? new Date(completedAt) : null;
  if (sla !== undefined) {
    record.sla = sla;
    record.breached = sla?.breached ?? false;
    record.dueAt = sla ? new Date(sla.dueAt) : null;
  }
  if (alertCountIncrement) record.alertCount += alertCountIncrement;
}

function jstYear(iso: string): number {
  return new Date(Date.parse(iso) + 9 * 3_600_000).getUTCFullYear();
}
