import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { ApplicationFailure, condition, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { mailActivities, recordActivities } from './activity-profiles';
import { nowIso, nowMs } from './clock';
import { SlaClock } from './sla-clock';
import { STATUS_LABELS, type ActorRef, type CaseStatus, type Impact, type WorkPlan } from './shared/case-model';
import type {
  CaseEventInput, CaseMailResult, CasePatch, MailTemplate, RecipientSpec, RegisterCaseInput, SlaPlan, TaskCloseInput, TimelineInput,
} from './shared/contracts';
import type { CaseKind } from './shared/ids';
import {
  completeTask, FAILURE_TYPES, getCaseState, holdCase, resumeCase, vendorContacted,
  type CaseStateView, type CompleteTaskInput, type CompleteTaskResult, type HoldInput, type OpenTaskView, type ResumeInput,
} from './shared/messages';
import { jstLabel } from './shared/jst';
import { ROLE_LABELS } from './shared/roles';
import { SA } from './shared/search-attributes';
import { checkCaseAction, checkTaskActor } from './shared/policy';
import { checkTaskCompletion, TASK_TYPES } from './shared/task-types';

export interface TaskResult {
  taskId: string;
  type: string;
  outcome: string;
  note: string | null;
  data: Record<string, unknown>;
  actor: ActorRef;
  completedAt: string;
}

interface TaskSlot {
  view: OpenTaskView;
  /** Recorded in the database: only then may it be completed. */
  ready: boolean;
  completing: boolean;
  result?: TaskResult;
  cancelled?: boolean;
}

type TaskValidator = (input: CompleteTaskInput) => void;

export interface TaskOptions {
  dueAt?: string | null;
  departmentId?: string | null;
  suggested?: Record<string, unknown> | null;
}


export const forbidden = (message: string) => ApplicationFailure.create({ type: FAILURE_TYPES.forbidden, message, nonRetryable: true });
export const conflict = (message: string) => ApplicationFailure.create({ type: FAILURE_TYPES.conflict, message, nonRetryable: true });
export const invalid = (field: string, message: string) => ApplicationFailure.create({ type: FAILURE_TYPES.invalid, message, details: [field], nonRetryable: true });


/**
 * The machinery both case workflows share: the record, human tasks completed through a validated
 * Update, hold/resume, the SLA clock, e-mail and search attributes. The flows themselves
 * (incident.workflow.ts, work-request.workflow.ts) read as the process.
 */
export class CaseEngine {
  caseId: string | null = null;
  caseNumber: string | null = null;
  resolution: string | null = null;
  impact: Impact = {};
  workPlan: WorkPlan | null = null;
  alertCount = 0;
  openedByAlertId: string | null = null;
  /** Counts contacts from the maker's desk (signal from the API's notes and contact log). */
  vendorContacts = 0;
  closed = false;
  sla: SlaClock | null = null;
  /** Called on hold and resume; a work request pauses its SLA when waiting for the requester. */
  onHold?: (input: HoldInput) => Promise<void> | void;
  onResume?: (input: ResumeInput) => Promise<void> | void;

  private baseStatus: CaseStatus = 'received';
  private hold: HoldInput | null = null;
  private readonly tasks = new Map<string, TaskSlot>();
  private readonly validators = new Map<string, TaskValidator>();
  private taskSeq = 0;
  private keySeq = 0;
  /** Update handlers wait until the flow has processed their change and is waiting again. */
  private epoch = 0;
  private settledEpoch = 0;
  private lastAttributes = new Map<string, unknown>();
  /**
   * One write per workflow task (flows started since the `one-write-per-workflow-task` patch; see
   * batchWrites): the steps a workflow task records wait here and go out together in one
   * recordCaseEvents activity at the next flush, as do the search attributes in one upsert.
   */
  private batched = false;
  private pendingWrites: CaseEventInput[] = [];
  private writing: Promise<void> = Promise.resolve();
  private writesInFlight = 0;
  private attributesDirty = false;
  private readonly background: Array<Promise<unknown>> = [];

  constructor(
    readonly kind: CaseKind,
    public subject: string,
    public severity: string | null = null,
  ) {}

  get status(): CaseStatus {
    return this.hold ? 'on_hold' : this.baseStatus;
  }

  install(): void {
    setHandler(getCaseState, () => this.view());
    setHandler(completeTask, (input: CompleteTaskInput) => this.handleComplete(input), { validator: (input: CompleteTaskInput) => this.validateComplete(input) });
    setHandler(holdCase, (input: HoldInput) => this.handleHold(input), { validator: (input: HoldInput) => this.validateHold(input) });
    setHandler(resumeCase, (input: ResumeInput) => this.handleResume(input), { validator: (input: ResumeInput) => this.validateResume(input) });
    setHandler(vendorContacted, () => void (this.vendorContacts += 1));
  }

  /**
   * From here on, the record's writes of a workflow task go out as one activity, flushed before the
   * flow waits for a person or the clock (so an Update answers only once its writes are durable),
   * with any e-mail, on hold/resume and at close; search attributes are upserted once per flush.
   * A flow calls this right after `patched('one-write-per-workflow-task')`: histories from before
   * it replay the one-activity-per-step path, which stays unchanged.
   */
  batchWrites(): void {
    this.batched = true;
  }

  get batchingWrites(): boolean {
    return this.batched;
  }

  /** Sends the writes waiting since the last flush (one activity) and the changed search attributes; resolves when all are durable. No-op without batchWrites(). */
  flush(): Promise<void> {
    if (!this.batched) return Promise.resolve();
    if (this.attributesDirty) this.upsertAttributes();
    if (this.pendingWrites.length) {
      const events = this.pendingWrites.splice(0);
      this.writesInFlight += 1;
      this.writing = this.writing.then(async () => {
        await recordActivities.recordCaseEvents({ events });
        this.writesInFlight -= 1;
      });
    }
    return this.writing;
  }

  private get unflushed(): boolean {
    return this.pendingWrites.length > 0 || this.writesInFlight > 0 || this.attributesDirty;
  }

  private async write(input: CaseEventInput): Promise<void> {
    if (this.batched) this.pendingWrites.push(input);
    else await recordActivities.recordCaseEvent(input);
  }

  /** Extra rules for one task type (e.g. the one-month maintenance rule), run by the Update validator. */
  validateTask(type: string, validator: TaskValidator): void {
    this.validators.set(type, validator);
  }

  async register(input: Omit<RegisterCaseInput, 'kind' | 'workflowId' | 'runId'>): Promise<void> {
    const info = workflowInfo();
    const registered = await recordActivities.registerCase({
      ...input, kind: this.kind, workflowId: info.workflowId, runId: info.runId, ...(this.openedByAlertId ? { openedByAlertId: this.openedByAlertId } : {}),
    });
    this.caseId = registered.caseId;
    this.caseNumber = registered.caseNumber;
    this.pushSearchAttributes();
  }

  /** A unique, replay-stable key for the next step of this run. */
  private key(name: string): string {
    return `${workflowInfo().runId}:${name}:${++this.keySeq}`;
  }

  async record(name: string, entry: TimelineInput, extra: { patch?: CasePatch; closeTasks?: TaskCloseInput[] } = {}): Promise<void> {
    await this.write({ caseId: this.caseId!, key: this.key(name), at: nowIso(), entry, patch: extra.patch, closeTasks: extra.closeTasks });
  }

  async setStatus(status: CaseStatus, actor?: ActorRef | null, patch: CasePatch = {}): Promise<void> {
    const previous = this.baseStatus;
    this.baseStatus = status;
    if (previous === status && Object.keys(patch).length === 0) return;
    const label = STATUS_LABELS[status];
    await this.record(
      'status',
      { kind: 'status', actor: actor?.displayName ?? null, actorUsername: actor?.username ?? null, messageJa: `対応状況: ${label.ja}`, messageEn: `Status: ${label.en}` },
      { patch: { ...patch, status: this.status, nextRole: this.nextRole() } },
    );
    this.pushSearchAttributes();
  }

  async mail(name: string, mail: MailTemplate, to: RecipientSpec[], cc: RecipientSpec[] = []): Promise<CaseMailResult> {
    if (!this.batched) return mailActivities.sendCaseMail({ caseId: this.caseId!, key: `${this.caseNumber}.${name}.${++this.keySeq}`, mail, to, cc });
    // The waiting writes go out beside the e-mail, not before it.
    const written = this.flush();
    const result = await mailActivities.sendCaseMail({ caseId: this.caseId!, key: `${this.caseNumber}.${name}.${++this.keySeq}`, mail, to, cc });
    await written;
    return result;
  }

  /**
   * An e-mail the flow need not wait for (batchWrites only; otherwise the same as mail()): it is
   * sent while the flow goes on to its next step, so an Update answers without waiting for it.
   * finish() waits for it (and fails the run if it failed).
   */
  async mailInBackground(name: string, mail: MailTemplate, to: RecipientSpec[], cc: RecipientSpec[] = []): Promise<void> {
    if (!this.batched) {
      await this.mail(name, mail, to, cc);
      return;
    }
    const sending = this.mail(name, mail, to, cc);
    sending.catch(() => undefined); // awaited (and its failure thrown) by finish()
    this.background.push(sending);
  }

  /** Before the flow returns: every write durable and every background e-mail sent. */
  async finish(): Promise<void> {
    await this.flush();
    await Promise.all(this.background);
  }

  /** Starts the clock and records its due time; the returned promise settles when the clock stops. */
  async startSla(plan: SlaPlan, onThreshold: (percent: number, at: string) => Promise<void>): Promise<{ running: Promise<void> }> {
    this.sla = new SlaClock(plan, async (percent, at) => {
      await this.record(
        percent === 100 ? 'sla-breach' : `sla-${percent}`,
        percent === 100
          ? { kind: 'sla_breach', messageJa: `SLA期限（${jstLabel(at)}）を超過しました`, messageEn: `SLA breached (due ${jstLabel(at)})`, data: { percent, at } }
          : { kind: 'sla_warning', messageJa: `SLA期限までの時間の${percent}%が経過しました`, messageEn: `${percent}% of the SLA time used`, data: { percent, at } },
        { patch: { sla: this.sla!.view() } },
      );
      this.pushSearchAttributes();
      await onThreshold(percent, at);
    });
    const running = this.sla.run();
    const label = plan.kind === 'onsite' ? { ja: '現地到着期限', en: 'On-site due' } : { ja: '作業完了期限', en: 'Completion due' };
    await this.saveSla(`sla-start-${plan.kind}`, `${label.ja}: ${jstLabel(plan.dueAt)}`, `${label.en}: ${jstLabel(plan.dueAt)}`);
    return { running };
  }

  async saveSla(name: string, messageJa: string, messageEn: string): Promise<void> {
    await this.record(name, { kind: 'status', messageJa, messageEn, data: { sla: this.sla?.view() ?? null } }, { patch: { sla: this.sla?.view() ?? null } });
    this.pushSearchAttributes();
  }

  async openTask(type: string, options: TaskOptions = {}): Promise<TaskSlot> {
    const definition = TASK_TYPES[type];
    const taskId = `${this.caseNumber}-T${++this.taskSeq}`;
    const slot: TaskSlot = {
      view: {
        taskId, type, assigneeRole: definition.role, departmentId: options.departmentId ?? null, dueAt: options.dueAt ?? null,
        allowedOutcomes: definition.outcomes.map((o) => o.value), createdAt: nowIso(), suggested: options.suggested ?? null,
      },
      ready: false,
      completing: false,
    };
    this.tasks.set(taskId, slot);
    await this.write({
      caseId: this.caseId!,
      key: this.key(`task-open-${taskId}`),
      at: slot.view.createdAt,
      entry: {
        kind: 'task_opened',
        messageJa: `作業「${definition.labelJa}」を${ROLE_LABELS[definition.role].ja}に割り当てました（${taskId}）`,
        messageEn: `Task "${definition.labelEn}" assigned to ${definition.role} (${taskId})`,
        data: { taskId, type, departmentId: slot.view.departmentId },
      },
      openTasks: [{ taskId, type, assigneeRole: definition.role, departmentId: slot.view.departmentId, allowedOutcomes: slot.view.allowedOutcomes, dueAt: slot.view.dueAt, suggested: slot.view.suggested }],
      patch: { nextRole: [...this.openTaskViews(), slot.view][0].assigneeRole },
    });
    slot.ready = true;
    this.pushSearchAttributes();
    return slot;
  }

  /** Opens a task and waits until someone completes it. */
  async humanTask(type: string, options: TaskOptions = {}): Promise<TaskResult> {
    return this.completionOf(await this.openTask(type, options));
  }

  /** Waits until someone completes a task opened earlier. */
  async completionOf(slot: TaskSlot): Promise<TaskResult> {
    await this.waitUntil(() => slot.result !== undefined);
    return slot.result!;
  }

  async waitAll(slots: TaskSlot[], until: (done: TaskResult[]) => boolean = () => false): Promise<TaskResult[]> {
    const done = () => slots.filter((s) => s.result).map((s) => s.result!);
    await this.waitUntil(() => slots.every((s) => s.result || s.cancelled) || until(done()));
    return done();
  }

  async cancelTasks(slots: TaskSlot[], reasonJa: string, reasonEn: string): Promise<void> {
    const open = slots.filter((s) => !s.result && !s.cancelled);
    if (open.length === 0) return;
    for (const slot of open) slot.cancelled = true;
    await this.record(
      'tasks-cancelled',
      { kind: 'status', messageJa: `未完了の作業を取り消しました（${reasonJa}）`, messageEn: `Open tasks cancelled (${reasonEn})`, data: { taskIds: open.map((s) => s.view.taskId) } },
      { closeTasks: open.map((s) => ({ taskId: s.view.taskId, state: 'cancelled' as const })), patch: { nextRole: this.nextRole() } },
    );
    this.pushSearchAttributes();
  }

  /**
   * Waits for a condition (or a timeout, then returns false), telling waiting Update handlers that
   * the flow has caught up with every change they made.
   */
  async waitUntil(predicate: () => boolean, timeoutMs?: number): Promise<boolean> {
    const deadline = timeoutMs === undefined ? undefined : nowMs() + timeoutMs;
    for (;;) {
      if (predicate()) return true;
      if (this.batched && this.unflushed) {
        // Update handlers answer once settled: the writes of this workflow task must be durable first.
        await this.flush();
        continue;
      }
      this.settledEpoch = this.epoch;
      const seen = this.epoch;
      const remaining = deadline === undefined ? undefined : deadline - nowMs();
      if (remaining !== undefined && remaining <= 0) return false;
      if (remaining === undefined) {
        // Without a timeout, condition() resolves to void: just look again.
        await condition(() => predicate() || this.epoch !== seen);
        continue;
      }
      if (!(await condition(() => predicate() || this.epoch !== seen, remaining))) return predicate();
    }
  }

  async close(resolution: string, patch: CasePatch = {}): Promise<void> {
    this.resolution = resolution;
    this.sla?.stop();
    await this.cancelTasks([...this.tasks.values()], '案件の終了', 'case closed');
    await this.setStatus('done', null, { ...patch, resolution, sla: this.sla?.view() ?? null });
    await this.flush();
    this.closed = true;
    this.pushSearchAttributes();
  }

  openTaskViews(): OpenTaskView[] {
    return [...this.tasks.values()].filter((s) => s.ready && !s.result && !s.cancelled).map((s) => s.view);
  }

  nextRole(): string | null {
    return this.openTaskViews()[0]?.assigneeRole ?? null;
  }

  view(): CaseStateView {
    return {
      kind: this.kind, caseId: this.caseId, caseNumber: this.caseNumber, status: this.status, resolution: this.resolution,
      subject: this.subject, severity: this.severity, impact: this.impact, workPlan: this.workPlan, openTasks: this.openTaskViews(),
      sla: this.sla?.view() ?? null, nextRole: this.nextRole(), alertCount: this.alertCount, openedByAlertId: this.openedByAlertId, closed: this.closed,
    };
  }

  pushSearchAttributes(): void {
    if (this.batched) this.attributesDirty = true;
    else this.upsertAttributes();
  }

  private upsertAttributes(): void {
    this.attributesDirty = false;
    const wanted: SearchAttributeUpdatePair[] = [
      { key: SA.kind, value: this.kind },
      { key: SA.status, value: this.status },
      { key: SA.breached, value: this.sla?.isBreached ?? false },
      { key: SA.nextRole, value: this.closed ? null : this.nextRole() },
    ];
    if (this.caseNumber) wanted.push({ key: SA.caseNumber, value: this.caseNumber });
    if (this.severity) wanted.push({ key: SA.severity, value: this.severity });
    if (this.sla) wanted.push({ key: SA.dueAt, value: new Date(this.sla.due) });
    const changed = wanted.filter((pair) => {
      const value = pair.value instanceof Date ? pair.value.toISOString() : pair.value;
      if (this.lastAttributes.get(pair.key.name) === value) return false;
      this.lastAttributes.set(pair.key.name, value);
      return true;
    });
    if (changed.length) upsertSearchAttributes(changed);
  }

  // ---- Update handlers ------------------------------------------------------------------

  private validateComplete(input: CompleteTaskInput): void {
    if (!input || typeof input.taskId !== 'string' || !input.actor) throw invalid('taskId', 'taskId and actor are required');
    const slot = this.tasks.get(input.taskId);
    // A task may be completed as soon as its row is visible, even before the activity that wrote it
    // has reported back (the handler waits for that); only done, cancelled or unknown tasks refuse.
    if (this.closed || !slot || slot.result || slot.cancelled || slot.completing) {
      throw conflict(`この作業は既に完了しているか、受け付けられない状態です / task ${input.taskId} is not open (already done, or the case has moved on)`);
    }
    if (this.hold) throw conflict('案件は保留中です。再開してから完了してください / the case is on hold: resume it first');
    if (!Array.isArray(input.actor.roles)) throw invalid('actor', 'actor.roles is required');
    // Who may complete this step (role, department, separation of duties): the shared policy table.
    const completed = [...this.tasks.values()].filter((s) => s.result).map((s) => ({ type: s.view.type, actor: s.result!.actor }));
    const refusal = checkTaskActor(slot.view, input.actor, completed);
    if (refusal) throw forbidden(refusal.message);
    const problem = checkTaskCompletion(slot.view.type, input.outcome, input.note, input.data);
    if (problem) throw invalid(problem.field, problem.message);
    this.validators.get(slot.view.type)?.(input);
  }

  private async handleComplete(input: CompleteTaskInput): Promise<CompleteTaskResult> {
    const slot = this.tasks.get(input.taskId)!;
    slot.completing = true;
    await condition(() => slot.ready);
    const definition = TASK_TYPES[slot.view.type];
    const outcome = definition.outcomes.find((o) => o.value === input.outcome)!;
    const note = input.note?.trim() ? input.note.trim() : null;
    const completedAt = nowIso();
    const others = this.openTaskViews().filter((v) => v.taskId !== slot.view.taskId);
    await this.write({
      caseId: this.caseId!,
      key: this.key(`task-done-${slot.view.taskId}`),
      at: completedAt,
      entry: {
        kind: 'task_completed',
        actor: input.actor.displayName,
        actorUsername: input.actor.username,
        messageJa: `${definition.labelJa}: ${outcome.labelJa}${note ? `（${note}）` : ''}`,
        messageEn: `${definition.labelEn}: ${outcome.labelEn}${note ? ` (${note})` : ''}`,
        data: { taskId: slot.view.taskId, type: slot.view.type, outcome: input.outcome, note, data: input.data ?? {} },
      },
      closeTasks: [{ taskId: slot.view.taskId, state: 'done', completedBy: input.actor.displayName, completedByUsername: input.actor.username, outcome: input.outcome, note, data: input.data ?? {} }],
      patch: { nextRole: others[0]?.assigneeRole ?? null },
    });
    slot.result = { taskId: slot.view.taskId, type: slot.view.type, outcome: input.outcome, note, data: input.data ?? {}, actor: input.actor, completedAt };
    const mine = ++this.epoch;
    await condition(() => this.settledEpoch >= mine || this.closed);
    return { taskId: slot.view.taskId, status: this.status, openTasks: this.openTaskViews() };
  }

  private validateHold(input: HoldInput): void {
    if (this.closed) throw conflict('案件は完了しています / the case is closed');
    if (this.hold) throw conflict('案件は既に保留中です / the case is already on hold');
    const refusal = checkCaseAction('hold', input?.actor);
    if (refusal) throw forbidden(refusal.message);
    if (typeof input.reason !== 'string' || !input.reason.trim()) throw invalid('reason', 'reason is required');
    if (!['requester', 'vendor', 'other'].includes(input.waitingFor)) throw invalid('waitingFor', 'waitingFor must be requester, vendor or other');
  }

  private async handleHold(input: HoldInput): Promise<CaseStateView> {
    this.hold = input;
    await this.onHold?.(input);
    await this.record(
      'hold',
      { kind: 'hold', actor: input.actor.displayName, actorUsername: input.actor.username, messageJa: `保留: ${input.reason}`, messageEn: `On hold: ${input.reason}`, data: { waitingFor: input.waitingFor } },
      { patch: { status: this.status, sla: this.sla?.view() ?? null } },
    );
    this.pushSearchAttributes();
    await this.flush();
    return this.view();
  }

  private validateResume(input: ResumeInput): void {
    if (!this.hold) throw conflict('案件は保留中ではありません / the case is not on hold');
    const refusal = checkCaseAction('resume', input?.actor);
    if (refusal) throw forbidden(refusal.message);
    if (typeof input.reason !== 'string' || !input.reason.trim()) throw invalid('reason', 'reason is required');
  }

  private async handleResume(input: ResumeInput): Promise<CaseStateView> {
    this.hold = null;
    await this.onResume?.(input);
    await this.record(
      'resume',
      { kind: 'resume', actor: input.actor.displayName, actorUsername: input.actor.username, messageJa: `再開: ${input.reason}`, messageEn: `Resumed: ${input.reason}`, data: { sla: this.sla?.view() ?? null } },
      { patch: { status: this.status, sla: this.sla?.view() ?? null } },
    );
    this.pushSearchAttributes();
    await this.flush();
    return this.view();
  }
}
