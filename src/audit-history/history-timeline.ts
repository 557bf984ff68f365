/**
 * A readable account of a workflow history, in Japanese and English, for auditors: what the
 * workflow did and when, read from the events alone (no database): timers with their deadlines,
 * human tasks completed (who, with what outcome: from the Update accepted/completed events),
 * holds and resumes, alerts, activity results, the e-mails sent (sendCaseMail results).
 */
import { ACTIVITY, type MailTemplate } from '../../workflows/shared/contracts';
import { formatJstEn, formatJstJa } from '../../workflows/shared/jst';
import { renderMail } from '../mail/templates';
import { STATUS_LABELS, type CaseStatus } from '../../workflows/shared/case-model';
import { TASK_TYPES } from '../../workflows/shared/task-types';
import {
  attributesOf, decodePayload, decodePayloads, durationMs, eventId, eventTimeMs, eventTypeName, pick, text,
  type JsonHistory, type JsonHistoryEvent, type JsonPayloads,
} from './history-json';

export type ReadableKind =
  | 'workflow_started' | 'workflow_closed' | 'timer_started' | 'timer_fired' | 'timer_cancelled'
  | 'task_completed' | 'update_rejected' | 'hold' | 'resume' | 'signal' | 'email' | 'record' | 'activity' | 'activity_failed'
  | 'status' | 'marker' | 'workflow_task_failed';

export interface ReadableEvent {
  eventId: number;
  at: string;
  eventType: string;
  kind: ReadableKind;
  ja: string;
  en: string;
  actor?: string | null;
  actorUsername?: string | null;
  data?: Record<string, unknown>;
}

export interface ActivityCall {
  scheduledEventId: number;
  activityType: string;
  activityId: string;
  input: unknown;
  scheduledAt: string;
  /** Set once the activity completed. */
  result?: unknown;
  completedEventId?: number;
  completedAt?: string;
  failure?: string;
}

export interface UpdateCall {
  acceptedEventId: number;
  updateId: string;
  name: string;
  input: unknown;
  acceptedAt: string;
  completedEventId?: number;
  completedAt?: string;
  result?: unknown;
  failure?: string;
}

/** Activities and Updates of a history, each with its input and result joined up. */
export interface HistoryCalls {
  activities: ActivityCall[];
  updates: UpdateCall[];
  signals: Array<{ eventId: number; name: string; input: unknown; at: string }>;
}

export function collectCalls(history: JsonHistory): HistoryCalls {
  const activities = new Map<number, ActivityCall>();
  const updates = new Map<string, UpdateCall>();
  const signals: HistoryCalls['signals'] = [];
  for (const event of history.events) {
    const attrs = attributesOf(event);
    const at = event.eventTime ?? '';
    switch (event.eventType) {
      case 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED':
        activities.set(eventId(event), {
          scheduledEventId: eventId(event),
          activityType: text(pick(attrs, 'activityType', 'name')) ?? '?',
          activityId: text(attrs.activityId) ?? '',
          input: decodePayloads(attrs.input as JsonPayloads)[0],
          scheduledAt: at,
        });
        break;
      case 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED': {
        const call = activities.get(Number(attrs.scheduledEventId));
        if (call) Object.assign(call, { result: decodePayloads(attrs.result as JsonPayloads)[0], completedEventId: eventId(event), completedAt: at });
        break;
      }
      case 'EVENT_TYPE_ACTIVITY_TASK_FAILED':
      case 'EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT':
      case 'EVENT_TYPE_ACTIVITY_TASK_CANCELED': {
        const call = activities.get(Number(attrs.scheduledEventId));
        if (call) Object.assign(call, { failure: text(pick(attrs, 'failure', 'message')) ?? eventTypeName(event.eventType), completedEventId: eventId(event), completedAt: at });
        break;
      }
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED': {
        const updateId = text(pick(attrs, 'acceptedRequest', 'meta', 'updateId')) ?? text(attrs.protocolInstanceId) ?? String(eventId(event));
        updates.set(updateId, {
          acceptedEventId: eventId(event),
          updateId,
          name: text(pick(attrs, 'acceptedRequest', 'input', 'name')) ?? '?',
          input: decodePayloads(pick(attrs, 'acceptedRequest', 'input', 'args') as JsonPayloads)[0],
          acceptedAt: at,
        });
        break;
      }
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED': {
        const updateId = text(pick(attrs, 'meta', 'updateId')) ?? '';
        const call = updates.get(updateId);
        if (!call) break;
        call.completedEventId = eventId(event);
        call.completedAt = at;
        const failure = pick(attrs, 'outcome', 'failure');
        if (failure) call.failure = text(pick(failure, 'message')) ?? 'failed';
        else call.result = decodePayloads(pick(attrs, 'outcome', 'success') as JsonPayloads)[0];
        break;
      }
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED':
        signals.push({ eventId: eventId(event), name: text(attrs.signalName) ?? '?', input: decodePayloads(attrs.input as JsonPayloads)[0], at });
        break;
      default:
        break;
    }
  }
  return { activities: [...activities.values()], updates: [...updates.values()], signals };
}

/**
 * Every step the workflow recorded (recordCaseEvent, one per activity; recordCaseEvents, several
 * per activity since the `one-write-per-workflow-task` patch), in order, each with the activity
 * call that carried it and its own input.
 */
export function recordedSteps(calls: HistoryCalls): Array<{ call: ActivityCall; input: unknown; index: number }> {
  const out: Array<{ call: ActivityCall; input: unknown; index: number }> = [];
  for (const call of calls.activities) {
    if (call.activityType === ACTIVITY.recordCaseEvent) out.push({ call, input: call.input, index: 0 });
    if (call.activityType === ACTIVITY.recordCaseEvents) {
      const events = (call.input as { events?: unknown[] } | undefined)?.events ?? [];
      events.forEach((input, index) => out.push({ call, input, index }));
    }
  }
  return out;
}

interface ActorLike {
  displayName?: string;
  username?: string;
}

const both = (ja: string, en: string) => ({ ja, en });

function actorName(actor: ActorLike | undefined): string {
  if (!actor) return '?';
  return actor.username ? `${actor.displayName ?? actor.username}（${actor.username}）` : (actor.displayName ?? '?');
}

function actorNameEn(actor: ActorLike | undefined): string {
  if (!actor) return '?';
  return actor.username ? `${actor.displayName ?? actor.username} (${actor.username})` : (actor.displayName ?? '?');
}

function short(value: unknown, max = 160): string {
  const json = JSON.stringify(value);
  if (json === undefined) return '';
  return json.length > max ? `${json.slice(0, max - 1)}…` : json;
}

function mailSubject(mail: unknown): string | null {
  try {
    return renderMail(mail as MailTemplate, { publicUrl: '' }).subject;
  } catch {
    return null;
  }
}

/**
 * The history as a list of readable steps. Workflow-task bookkeeping (scheduled, started,
 * completed) is left out; everything that changed the case is in.
 */
export function readableTimeline(history: JsonHistory): ReadableEvent[] {
  const calls = collectCalls(history);
  const activityByScheduled = new Map(calls.activities.map((a) => [a.scheduledEventId, a]));
  const updateByAccepted = new Map(calls.updates.map((u) => [u.acceptedEventId, u]));
  const taskTypes = new Map<string, string>();
  const timers = new Map<string, { eventId: number; deadline: string }>();
  const out: ReadableEvent[] = [];
  const push = (event: JsonHistoryEvent, kind: ReadableKind, words: { ja: string; en: string }, extra: Partial<ReadableEvent> = {}) =>
    out.push({ eventId: eventId(event), at: event.eventTime ?? '', eventType: eventTypeName(event.eventType), kind, ...words, ...extra });

  for (const event of history.events) {
    const attrs = attributesOf(event);
    switch (event.eventType) {
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED': {
        const type = text(pick(attrs, 'workflowType', 'name')) ?? '?';
        const input = decodePayloads(attrs.input as JsonPayloads)[0] as Record<string, unknown> | undefined;
        const subject = text(input?.subject);
        push(event, 'workflow_started', both(
          `ワークフロー ${type} を開始${subject ? `（件名: ${subject}）` : ''}`,
          `Workflow ${type} started${subject ? ` (subject: ${subject})` : ''}`,
        ), { data: { workflowType: type, taskQueue: text(pick(attrs, 'taskQueue', 'name')), input } });
        break;
      }
      case 'EVENT_TYPE_TIMER_STARTED': {
        const timeout = durationMs(attrs.startToFireTimeout) ?? 0;
        const deadline = new Date(eventTimeMs(event) + timeout).toISOString();
        const timerId = text(attrs.timerId) ?? '';
        timers.set(timerId, { eventId: eventId(event), deadline });
        push(event, 'timer_started', both(
          `タイマー開始（期限: ${formatJstJa(deadline)}、${formatDuration(timeout, 'ja')}後）`,
          `Timer started (fires ${formatJstEn(deadline)}, in ${formatDuration(timeout, 'en')})`,
        ), { data: { timerId, deadline, timeoutMs: timeout } });
        break;
      }
      case 'EVENT_TYPE_TIMER_FIRED': {
        const timer = timers.get(text(attrs.timerId) ?? '');
        push(event, 'timer_fired', both(
          `タイマー満了${timer ? `（期限 ${formatJstJa(timer.deadline)}、開始イベント #${timer.eventId}）` : ''}`,
          `Timer fired${timer ? ` (deadline ${formatJstEn(timer.deadline)}, started at event #${timer.eventId})` : ''}`,
        ), { data: { timerId: text(attrs.timerId), startedEventId: Number(attrs.startedEventId) } });
        break;
      }
      case 'EVENT_TYPE_TIMER_CANCELED': {
        const timer = timers.get(text(attrs.timerId) ?? '');
        push(event, 'timer_cancelled', both(
          `タイマー取消${timer ? `（期限 ${formatJstJa(timer.deadline)} の待機を終了）` : ''}`,
          `Timer cancelled${timer ? ` (no longer waiting for ${formatJstEn(timer.deadline)})` : ''}`,
        ), { data: { timerId: text(attrs.timerId) } });
        break;
      }
      case 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED': {
        const call = activityByScheduled.get(Number(attrs.scheduledEventId));
        if (call) describeActivity(event, call, taskTypes, push);
        break;
      }
      case 'EVENT_TYPE_ACTIVITY_TASK_FAILED':
      case 'EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT': {
        const call = activityByScheduled.get(Number(attrs.scheduledEventId));
        const message = text(pick(attrs, 'failure', 'message')) ?? '';
        push(event, 'activity_failed', both(
          `処理 ${call?.activityType ?? '?'} が失敗しました: ${message}`,
          `Activity ${call?.activityType ?? '?'} failed: ${message}`,
        ), { data: { activityType: call?.activityType, scheduledEventId: call?.scheduledEventId, message } });
        break;
      }
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED': {
        const call = updateByAccepted.get(eventId(event));
        if (call) describeUpdate(event, call, taskTypes, push);
        break;
      }
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED': {
        const name = text(attrs.signalName) ?? '?';
        const input = decodePayloads(attrs.input as JsonPayloads)[0] as Record<string, unknown> | undefined;
        if (name === 'alertReceived' && input) {
          const firing = input.status === 'firing';
          push(event, 'signal', both(
            `${firing ? '警報を受信' : '警報の解消を受信'}: ${text(input.alertName)} @ ${text(input.hostname)}（${text(input.source)}）`,
            `${firing ? 'Alert firing' : 'Alert resolved'}: ${text(input.alertName)} @ ${text(input.hostname)} (${text(input.source)})`,
          ), { actor: text(input.source), data: { signal: name, input } });
        } else if (name === 'vendorContacted') {
          push(event, 'signal', both('メーカー保守窓口からの連絡を記録（催促タイマーを再開始）', "Contact from the maker's desk logged (reminder timer restarts)"), { data: { signal: name, input } });
        } else {
          push(event, 'signal', both(`シグナル ${name} を受信`, `Signal ${name} received`), { data: { signal: name, input } });
        }
        break;
      }
      case 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES': {
        const fields = (pick(attrs, 'searchAttributes', 'indexedFields') ?? {}) as Record<string, unknown>;
        const status = fields.OpsStatus ? text(decodePayload(fields.OpsStatus)) : null;
        if (status && status in STATUS_LABELS) {
          const label = STATUS_LABELS[status as CaseStatus];
          push(event, 'status', both(`対応状況を「${label.ja}」に更新（検索属性）`, `Status set to "${label.en}" (search attribute)`), { data: { status } });
        }
        break;
      }
      case 'EVENT_TYPE_MARKER_RECORDED': {
        const name = text(attrs.markerName) ?? '?';
        const details = (attrs.details ?? {}) as Record<string, JsonPayloads>;
        const patchId = name === 'core_patch' ? text(decodePayloads(details.patch_data)[0] && pick(decodePayloads(details.patch_data)[0], 'id')) : null;
        push(event, 'marker', patchId
          ? both(`変更点 patched('${patchId}') を通過（この後は新しいコードの経路）`, `Passed patched('${patchId}'): the new code path from here`)
          : both(`マーカー ${name} を記録`, `Marker ${name} recorded`), { data: { markerName: name, patchId } });
        break;
      }
      case 'EVENT_TYPE_WORKFLOW_TASK_FAILED': {
        const cause = text(attrs.cause) ?? '';
        const message = text(pick(attrs, 'failure', 'message')) ?? '';
        push(event, 'workflow_task_failed', both(
          `ワークフロータスク失敗（${cause}）: ${message}`,
          `Workflow task failed (${cause}): ${message}`,
        ), { data: { cause, message } });
        break;
      }
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED': {
        const result = decodePayloads(attrs.result as JsonPayloads)[0] as Record<string, unknown> | undefined;
        push(event, 'workflow_closed', both(
          `ワークフロー完了${result?.resolution ? `（結果: ${text(result.resolution)}）` : ''}`,
          `Workflow completed${result?.resolution ? ` (resolution: ${text(result.resolution)})` : ''}`,
        ), { data: { status: 'COMPLETED', result } });
        break;
      }
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED':
        push(event, 'workflow_closed', both(`ワークフロー失敗: ${text(pick(attrs, 'failure', 'message'))}`, `Workflow failed: ${text(pick(attrs, 'failure', 'message'))}`), { data: { status: 'FAILED' } });
        break;
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED':
        push(event, 'workflow_closed', both(`ワークフロー強制終了（理由: ${text(attrs.reason) ?? ''}、実行者: ${text(attrs.identity) ?? ''}）`, `Workflow terminated (reason: ${text(attrs.reason) ?? ''}; by ${text(attrs.identity) ?? ''})`), { actor: text(attrs.identity), data: { status: 'TERMINATED', reason: text(attrs.reason) } });
        break;
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED':
        push(event, 'workflow_closed', both('ワークフロー取消', 'Workflow cancelled'), { data: { status: 'CANCELED' } });
        break;
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT':
        push(event, 'workflow_closed', both('ワークフローがタイムアウトしました', 'Workflow timed out'), { data: { status: 'TIMED_OUT' } });
        break;
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW':
        push(event, 'workflow_closed', both(`新しい実行として継続（${text(attrs.newExecutionRunId)}）`, `Continued as new (${text(attrs.newExecutionRunId)})`), { data: { status: 'CONTINUED_AS_NEW' } });
        break;
      default:
        break;
    }
  }
  return out;
}

/** The fields of the case activities' and Updates' inputs and results this account reads. */
interface CallInput {
  key?: string;
  at?: string;
  mail?: { template?: string };
  openTasks?: Array<{ taskId: string; type: string }>;
  entry?: { kind?: string; actor?: string | null; actorUsername?: string | null; messageJa?: string; messageEn?: string };
  patch?: unknown;
  subject?: string;
  runId?: string;
  createdBy?: string | null;
  occurredAt?: string;
  percents?: number[];
  hostname?: string;
  taskId?: string;
  outcome?: string;
  note?: string | null;
  data?: Record<string, unknown>;
  actor?: ActorLike;
  reason?: string;
  waitingFor?: string;
}

interface CallResult {
  messageId?: string | null;
  to?: string[];
  cc?: string[];
  sentAt?: string | null;
  caseNumber?: string;
  caseId?: string;
  kind?: string;
  dueAt?: string;
  startAt?: string;
  withinReceptionHours?: boolean;
  registered?: boolean;
  departmentNames?: string[];
}

type Push = (event: JsonHistoryEvent, kind: ReadableKind, words: { ja: string; en: string }, extra?: Partial<ReadableEvent>) => void;

function describeActivity(event: JsonHistoryEvent, call: ActivityCall, taskTypes: Map<string, string>, push: Push): void {
  const input = (call.input ?? {}) as CallInput;
  const result = call.result as CallResult | undefined;
  const base = { activityType: call.activityType, scheduledEventId: call.scheduledEventId };
  switch (call.activityType) {
    case ACTIVITY.sendCaseMail: {
      const subject = mailSubject(input.mail) ?? text(input.mail?.template) ?? '';
      if (!result?.messageId) {
        push(event, 'email', both(`メール送信なし（宛先なし）: ${subject}`, `No e-mail sent (no recipients): ${subject}`), { data: { ...base, key: input.key, template: input.mail?.template, result } });
        return;
      }
      const to = [...(result.to ?? []), ...(result.cc ?? [])].join(', ');
      push(event, 'email', both(
        `メール送信: ${subject}（宛先: ${to}、${text(result.sentAt) ? formatJstJa(String(result.sentAt)) : ''}、Message-ID ${String(result.messageId)}）`,
        `E-mail sent: ${subject} (to: ${to}; ${text(result.sentAt) ? formatJstEn(String(result.sentAt)) : ''}; Message-ID ${String(result.messageId)})`,
      ), { data: { ...base, key: input.key, template: input.mail?.template, messageId: result.messageId, to: result.to, cc: result.cc, sentAt: result.sentAt } });
      return;
    }
    case ACTIVITY.recordCaseEvent:
    case ACTIVITY.recordCaseEvents: {
      // One readable step per recorded step, also when one activity carried several.
      const steps = call.activityType === ACTIVITY.recordCaseEvents ? ((call.input as { events?: CallInput[] } | undefined)?.events ?? []) : [input];
      steps.forEach((step, index) => {
        for (const task of step.openTasks ?? []) taskTypes.set(task.taskId, task.type);
        const entry = step.entry ?? {};
        push(event, 'record', both(`記録: ${String(entry.messageJa ?? '')}`, `Recorded: ${String(entry.messageEn ?? '')}`), {
          actor: entry.actor ?? null, actorUsername: entry.actorUsername ?? null,
          data: { ...base, ...(call.activityType === ACTIVITY.recordCaseEvents ? { stepIndex: index } : {}), key: step.key, at: step.at, timelineKind: entry.kind, patch: step.patch ?? null },
        });
      });
      return;
    }
    case ACTIVITY.registerCase:
      push(event, 'record', both(
        `案件 ${String(result?.caseNumber ?? '?')} を登録（${String(input.subject ?? '')}）`,
        `Case ${String(result?.caseNumber ?? '?')} registered (${String(input.subject ?? '')})`,
      ), { actor: input.createdBy ?? null, data: { ...base, caseId: result?.caseId, caseNumber: result?.caseNumber, key: `${String(input.runId)}:created`, at: input.occurredAt } });
      return;
    case ACTIVITY.planSla: {
      const label = result?.kind === 'onsite' ? { ja: '現地到着期限', en: 'on-site due' } : { ja: '作業完了期限', en: 'completion due' };
      push(event, 'activity', both(
        `SLAを計算: ${label.ja} ${formatJstJa(String(result?.dueAt))}（起算 ${formatJstJa(String(result?.startAt))}${result?.withinReceptionHours === false ? '、受付時間外' : ''}）`,
        `SLA planned: ${label.en} ${formatJstEn(String(result?.dueAt))} (from ${formatJstEn(String(result?.startAt))}${result?.withinReceptionHours === false ? ', outside reception hours' : ''})`,
      ), { data: { ...base, result } });
      return;
    }
    case ACTIVITY.slaCheckpoints: {
      const percents = input.percents ?? [];
      const at = Array.isArray(result) ? (result as string[]) : [];
      push(event, 'activity', both(
        `SLA ${percents.map((p, i) => `${p}% 時点: ${formatJstJa(at[i] ?? '')}`).join('、')}`,
        `SLA ${percents.map((p, i) => `${p}% point: ${formatJstEn(at[i] ?? '')}`).join(', ')}`,
      ), { data: { ...base, input, result } });
      return;
    }
    case ACTIVITY.lookupAsset:
      push(event, 'activity', both(
        `構成管理台帳を参照: ${String(input.hostname ?? '')}（${result?.registered ? `登録済み、所管課: ${(result?.departmentNames ?? []).join('、') || 'なし'}` : '未登録の機器'}）`,
        `Inventory looked up: ${String(input.hostname ?? '')} (${result?.registered ? `registered; departments: ${(result?.departmentNames ?? []).join(', ') || 'none'}` : 'unregistered device'})`,
      ), { data: { ...base, input, result } });
      return;
    default:
      push(event, 'activity', both(`処理 ${call.activityType} 完了: ${short(result)}`, `Activity ${call.activityType} completed: ${short(result)}`), { data: { ...base, input, result } });
  }
}

function describeUpdate(event: JsonHistoryEvent, call: UpdateCall, taskTypes: Map<string, string>, push: Push): void {
  const input = (call.input ?? {}) as CallInput;
  const actor = input.actor;
  const who = { actor: actor?.displayName ?? null, actorUsername: actor?.username ?? null };
  const failed = call.failure ? { ja: `（処理失敗: ${call.failure}）`, en: ` (failed: ${call.failure})` } : { ja: '', en: '' };
  const ids = { updateId: call.updateId, acceptedEventId: call.acceptedEventId, completedEventId: call.completedEventId ?? null };
  switch (call.name) {
    case 'completeTask': {
      const taskId = String(input.taskId ?? '?');
      const type = taskTypes.get(taskId);
      const definition = type ? TASK_TYPES[type] : undefined;
      const outcome = definition?.outcomes.find((o) => o.value === input.outcome);
      const note = typeof input.note === 'string' && input.note.trim() ? input.note.trim() : null;
      push(event, 'task_completed', both(
        `作業完了: ${definition?.labelJa ?? type ?? ''}（${taskId}）— ${actorName(actor)} が「${outcome?.labelJa ?? String(input.outcome)}」${note ? `、理由: ${note}` : ''}${failed.ja}`,
        `Task completed: ${definition?.labelEn ?? type ?? ''} (${taskId}) — ${actorNameEn(actor)}: "${outcome?.labelEn ?? String(input.outcome)}"${note ? `; note: ${note}` : ''}${failed.en}`,
      ), { ...who, data: { ...ids, taskId, type: type ?? null, outcome: input.outcome, note, data: input.data ?? {}, result: call.result ?? null, failure: call.failure ?? null } });
      return;
    }
    case 'holdCase':
      push(event, 'hold', both(
        `保留: ${String(input.reason ?? '')}（${waitingForJa(input.waitingFor)}）— ${actorName(actor)}${failed.ja}`,
        `Put on hold: ${String(input.reason ?? '')} (waiting for ${String(input.waitingFor ?? '?')}) — ${actorNameEn(actor)}${failed.en}`,
      ), { ...who, data: { ...ids, reason: input.reason, waitingFor: input.waitingFor } });
      return;
    case 'resumeCase':
      push(event, 'resume', both(`再開: ${String(input.reason ?? '')} — ${actorName(actor)}${failed.ja}`, `Resumed: ${String(input.reason ?? '')} — ${actorNameEn(actor)}${failed.en}`), { ...who, data: { ...ids, reason: input.reason } });
      return;
    default:
      push(event, 'task_completed', both(`更新 ${call.name} を受付 — ${actorName(actor)}${failed.ja}`, `Update ${call.name} accepted — ${actorNameEn(actor)}${failed.en}`), { ...who, data: { ...ids, input } });
  }
}

function waitingForJa(value: unknown): string {
  return value === 'requester' ? '依頼元の回答待ち' : value === 'vendor' ? 'メーカー待ち' : 'その他';
}

function formatDuration(ms: number, lang: 'ja' | 'en'): string {
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (lang === 'ja') return [d && `${d}日`, h && `${h}時間`, m && `${m}分`, (sec || s === 0) && `${sec}秒`].filter(Boolean).join('');
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`, (sec || s === 0) && `${sec} s`].filter(Boolean).join(' ');
}
