/**
 * Does the case record (作業履歴: the record and its timeline in PostgreSQL) tell the same story
 * as the workflow history in Temporal? Same steps, same actors, same times within a tolerance.
 * Pure: the caller loads both sides.
 */
import { formatJstEn, formatJstJa } from '../../workflows/shared/jst';
import { decodePayloads, summarize, type JsonHistory, type JsonPayloads } from './history-json';
import { collectCalls, recordedSteps } from './history-timeline';
import { ACTIVITY } from '../../workflows/shared/contracts';

export interface RecordSide {
  id: string;
  number: string;
  workflowId: string;
  runId: string;
  status: string;
  resolution?: string | null;
}

export interface TimelineSide {
  key: string;
  at: Date;
  kind: string;
  actor?: string | null;
  actorUsername?: string | null;
  data?: Record<string, unknown> | null;
}

export type MismatchKind = 'missing_in_record' | 'missing_in_history' | 'actor_differs' | 'time_differs' | 'outcome_differs' | 'kind_differs' | 'field_differs';

export interface Mismatch {
  kind: MismatchKind;
  ja: string;
  en: string;
  eventId?: number;
  timelineKey?: string;
  expected?: unknown;
  actual?: unknown;
}

export interface ConsistencyReport {
  consistent: boolean;
  toleranceMs: number;
  checked: { steps: number; tasks: number; holdsAndResumes: number; emails: number; timelineEntries: number };
  /** Timeline entries the API wrote itself (notes, logged calls): not steps of the workflow. */
  notFromWorkflow: number;
  /** Steps the workflow had scheduled and not finished when the history was read. */
  inFlight: number;
  mismatches: Mismatch[];
}

interface RecordCaseEventInput {
  caseId: string;
  key: string;
  at: string;
  entry: { kind: string; actor?: string | null; actorUsername?: string | null; messageJa?: string; messageEn?: string };
}

interface MailInput {
  key: string;
  mail?: { template?: string };
}

interface MailResult {
  messageId: string | null;
  sentAt: string | null;
}

interface ActorInput {
  displayName?: string;
  username?: string;
}

const ms = (iso: string | undefined | null) => (iso ? Date.parse(iso) : NaN);
const fmt = (value: number) => ({ ja: formatJstJa(new Date(value).toISOString()), en: formatJstEn(new Date(value).toISOString()) });
const secs = (value: number) => `${(value / 1000).toFixed(1)}`;

export function checkConsistency(history: JsonHistory, record: RecordSide, timeline: TimelineSide[], options: { toleranceMs?: number } = {}): ConsistencyReport {
  const toleranceMs = options.toleranceMs ?? 5_000;
  const calls = collectCalls(history);
  const summary = summarize(history);
  const byKey = new Map(timeline.map((e) => [e.key, e]));
  const explained = new Set<string>();
  const mismatches: Mismatch[] = [];
  const checked = { steps: 0, tasks: 0, holdsAndResumes: 0, emails: 0, timelineEntries: timeline.length };
  let inFlight = 0;

  const timeCheck = (what: { ja: string; en: string }, recorded: number, historyAt: number, extra: Partial<Mismatch>) => {
    if (Number.isNaN(recorded) || Number.isNaN(historyAt) || Math.abs(recorded - historyAt) <= toleranceMs) return;
    mismatches.push({
      kind: 'time_differs',
      ja: `${what.ja}: 記録の時刻 ${fmt(recorded).ja} と履歴の時刻 ${fmt(historyAt).ja} が ${secs(Math.abs(recorded - historyAt))} 秒ずれています（許容 ${secs(toleranceMs)} 秒）`,
      en: `${what.en}: recorded at ${fmt(recorded).en}, the history has ${fmt(historyAt).en} — ${secs(Math.abs(recorded - historyAt))} s apart (tolerance ${secs(toleranceMs)} s)`,
      expected: new Date(historyAt).toISOString(), actual: new Date(recorded).toISOString(), ...extra,
    });
  };

  // 1. Registration: the record names this run, and the run named this case.
  for (const call of calls.activities.filter((a) => a.activityType === ACTIVITY.registerCase)) {
    const input = call.input as { workflowId?: string; runId?: string; occurredAt?: string };
    const result = call.result as { caseNumber?: string; caseId?: string } | undefined;
    if (!result) {
      inFlight++;
      continue;
    }
    checked.steps++;
    if (result.caseNumber !== record.number || result.caseId !== record.id) {
      mismatches.push({ kind: 'field_differs', eventId: call.completedEventId, ja: `履歴が登録した案件 ${result.caseNumber} はこの記録（${record.number}）ではありません`, en: `The history registered case ${result.caseNumber}, not this record (${record.number})`, expected: result.caseNumber, actual: record.number });
    }
    if (input.runId !== record.runId || input.workflowId !== record.workflowId) {
      mismatches.push({ kind: 'field_differs', eventId: call.scheduledEventId, ja: `記録のワークフロー（${record.workflowId} / ${record.runId}）と履歴の実行（${input.workflowId} / ${input.runId}）が異なります`, en: `The record names workflow ${record.workflowId} / ${record.runId}, the history is ${input.workflowId} / ${input.runId}`, expected: input.runId, actual: record.runId });
    }
    const key = `${input.runId}:created`;
    const entry = byKey.get(key);
    explained.add(key);
    if (!entry) mismatches.push({ kind: 'missing_in_record', eventId: call.completedEventId, timelineKey: key, ja: '受付の記録がタイムラインにありません', en: 'The case creation is missing from the timeline' });
    else timeCheck({ ja: '受付', en: 'Case received' }, entry.at.getTime(), ms(input.occurredAt), { timelineKey: key, eventId: call.scheduledEventId });
  }

  // 2. Every step the workflow recorded: in the timeline under its key, same kind, actor and time.
  for (const { call, input: stepInput } of recordedSteps(calls)) {
    const input = stepInput as RecordCaseEventInput;
    explained.add(input.key);
    const entry = byKey.get(input.key);
    if (call.result === undefined && !call.completedEventId) {
      if (!entry) inFlight++;
      continue;
    }
    checked.steps++;
    const what = { ja: `「${input.entry.messageJa ?? input.key}」`, en: `"${input.entry.messageEn ?? input.key}"` };
    if (!entry) {
      mismatches.push({ kind: 'missing_in_record', eventId: call.completedEventId, timelineKey: input.key, ja: `${what.ja}は履歴で記録済みですが、タイムラインにありません`, en: `${what.en} was recorded by the workflow (event #${call.completedEventId}) but is missing from the timeline` });
      continue;
    }
    if (entry.kind !== input.entry.kind) {
      mismatches.push({ kind: 'kind_differs', eventId: call.scheduledEventId, timelineKey: input.key, ja: `${what.ja}の種別が異なります（記録 ${entry.kind}、履歴 ${input.entry.kind}）`, en: `${what.en}: the timeline says ${entry.kind}, the history ${input.entry.kind}`, expected: input.entry.kind, actual: entry.kind });
    }
    if ((entry.actorUsername ?? null) !== (input.entry.actorUsername ?? null) || (entry.actor ?? null) !== (input.entry.actor ?? null)) {
      mismatches.push({ kind: 'actor_differs', eventId: call.scheduledEventId, timelineKey: input.key, ja: `${what.ja}の実施者が異なります（記録 ${entry.actor ?? 'システム'}、履歴 ${input.entry.actor ?? 'システム'}）`, en: `${what.en}: the timeline names ${entry.actor ?? 'the system'} (${entry.actorUsername ?? '-'}), the history ${input.entry.actor ?? 'the system'} (${input.entry.actorUsername ?? '-'})`, expected: input.entry.actorUsername ?? null, actual: entry.actorUsername ?? null });
    }
    // Exactly the instant the workflow gave, and that instant is when the history shows the step.
    timeCheck(what, entry.at.getTime(), ms(input.at), { timelineKey: input.key, eventId: call.scheduledEventId });
    timeCheck(what, ms(input.at), ms(call.scheduledAt), { timelineKey: input.key, eventId: call.scheduledEventId });
  }

  // 3. Human steps: who completed which task with which outcome, straight from the Update payloads.
  const completedEntries = timeline.filter((e) => e.kind === 'task_completed');
  for (const update of calls.updates) {
    const input = (update.input ?? {}) as { taskId?: string; outcome?: string; actor?: ActorInput; reason?: string };
    if (update.failure) continue;
    if (!update.completedEventId) {
      inFlight++;
      continue;
    }
    if (update.name === 'completeTask') {
      checked.tasks++;
      const entry = completedEntries.find((e) => (e.data as { taskId?: string } | null)?.taskId === input.taskId);
      const what = { ja: `作業 ${input.taskId} の完了`, en: `Completion of task ${input.taskId}` };
      if (!entry) {
        mismatches.push({ kind: 'missing_in_record', eventId: update.acceptedEventId, ja: `${what.ja}（${input.actor?.displayName}、${input.outcome}）が履歴にありますが、タイムラインにありません`, en: `${what.en} (${input.actor?.displayName}, ${input.outcome}) is in the history (event #${update.acceptedEventId}) but not in the timeline` });
        continue;
      }
      if ((entry.actorUsername ?? null) !== (input.actor?.username ?? null)) {
        mismatches.push({ kind: 'actor_differs', eventId: update.acceptedEventId, timelineKey: entry.key, ja: `${what.ja}: 記録では ${entry.actor}（${entry.actorUsername}）、履歴では ${input.actor?.displayName}（${input.actor?.username}）`, en: `${what.en}: the timeline says ${entry.actor} (${entry.actorUsername}), the history ${input.actor?.displayName} (${input.actor?.username})`, expected: input.actor?.username, actual: entry.actorUsername });
      }
      const recordedOutcome = (entry.data as { outcome?: string } | null)?.outcome;
      if (recordedOutcome !== input.outcome) {
        mismatches.push({ kind: 'outcome_differs', eventId: update.acceptedEventId, timelineKey: entry.key, ja: `${what.ja}: 記録の結果「${recordedOutcome}」、履歴の結果「${input.outcome}」`, en: `${what.en}: the timeline says "${recordedOutcome}", the history "${input.outcome}"`, expected: input.outcome, actual: recordedOutcome });
      }
      timeCheck(what, entry.at.getTime(), ms(update.acceptedAt), { timelineKey: entry.key, eventId: update.acceptedEventId });
    } else if (update.name === 'holdCase' || update.name === 'resumeCase') {
      checked.holdsAndResumes++;
      const kind = update.name === 'holdCase' ? 'hold' : 'resume';
      const candidates = timeline.filter((e) => e.kind === kind && e.actorUsername === input.actor?.username);
      const entry = candidates.sort((a, b) => Math.abs(a.at.getTime() - ms(update.acceptedAt)) - Math.abs(b.at.getTime() - ms(update.acceptedAt)))[0];
      const what = kind === 'hold' ? { ja: `${input.actor?.displayName} による保留`, en: `Hold by ${input.actor?.displayName}` } : { ja: `${input.actor?.displayName} による再開`, en: `Resume by ${input.actor?.displayName}` };
      if (!entry) {
        mismatches.push({ kind: 'missing_in_record', eventId: update.acceptedEventId, ja: `${what.ja}（理由: ${input.reason}）が履歴にありますが、タイムラインにありません`, en: `${what.en} (reason: ${input.reason}) is in the history (event #${update.acceptedEventId}) but not in the timeline` });
        continue;
      }
      timeCheck(what, entry.at.getTime(), ms(update.acceptedAt), { timelineKey: entry.key, eventId: update.acceptedEventId });
    }
  }

  // 4. E-mails: the evidence in the timeline is the message the activity reported as sent, sent while it ran.
  for (const call of calls.activities.filter((a) => a.activityType === ACTIVITY.sendCaseMail)) {
    const input = call.input as MailInput;
    const key = `mail:${input.key}`;
    explained.add(key);
    const result = call.result as MailResult | undefined;
    if (!result) {
      if (!call.completedEventId) inFlight++;
      continue;
    }
    if (!result.messageId) continue; // no recipients: nothing was sent, nothing recorded
    checked.emails++;
    const entry = byKey.get(key);
    const what = { ja: `メール ${input.mail?.template ?? input.key}`, en: `E-mail ${input.mail?.template ?? input.key}` };
    if (!entry) {
      mismatches.push({ kind: 'missing_in_record', eventId: call.completedEventId, timelineKey: key, ja: `${what.ja}（${result.messageId}）は送信済みと履歴にありますが、タイムラインに送信記録がありません`, en: `${what.en} (${result.messageId}) was sent according to the history (event #${call.completedEventId}) but has no evidence in the timeline` });
      continue;
    }
    const recordedId = (entry.data as { messageId?: string } | null)?.messageId;
    if (recordedId !== result.messageId) {
      mismatches.push({ kind: 'field_differs', eventId: call.completedEventId, timelineKey: key, ja: `${what.ja}の Message-ID が異なります（記録 ${recordedId}、履歴 ${result.messageId}）`, en: `${what.en}: the timeline has Message-ID ${recordedId}, the history ${result.messageId}`, expected: result.messageId, actual: recordedId });
    }
    timeCheck(what, entry.at.getTime(), ms(result.sentAt), { timelineKey: key, eventId: call.completedEventId });
    const sent = ms(result.sentAt);
    if (sent < ms(call.scheduledAt) - toleranceMs || sent > ms(call.completedAt) + toleranceMs) {
      mismatches.push({ kind: 'time_differs', eventId: call.completedEventId, timelineKey: key, ja: `${what.ja}の送信時刻 ${fmt(sent).ja} が、送信処理の実行期間（履歴）の外です`, en: `${what.en}: sent at ${fmt(sent).en}, outside the activity's run in the history (${call.scheduledAt} – ${call.completedAt})` });
    }
  }

  // 5. The other way round: every workflow-written timeline entry has its step in the history.
  let notFromWorkflow = 0;
  for (const entry of timeline) {
    if (explained.has(entry.key)) continue;
    const fromThisRun = entry.key.startsWith(`${record.runId}:`);
    const workflowMail = entry.key.startsWith(`mail:${record.number}.`) && !/\.phone-report\./.test(entry.key);
    if (!fromThisRun && !workflowMail) {
      notFromWorkflow++;
      continue;
    }
    mismatches.push({
      kind: 'missing_in_history', timelineKey: entry.key,
      ja: `タイムラインの記録（${entry.kind}、${fmt(entry.at.getTime()).ja}、キー ${entry.key}）に対応する処理が履歴にありません`,
      en: `The timeline entry ${entry.key} (${entry.kind}, ${fmt(entry.at.getTime()).en}) has no step in the history`,
    });
  }

  // 6. How it ended.
  const closed = history.events[history.events.length - 1];
  if (summary.closeStatus === 'COMPLETED') {
    const result = decodePayloads(closed.workflowExecutionCompletedEventAttributes ? (closed.workflowExecutionCompletedEventAttributes as { result?: JsonPayloads }).result : undefined)[0] as { resolution?: string } | undefined;
    if (record.status !== 'done') {
      mismatches.push({ kind: 'field_differs', ja: `ワークフローは完了していますが、記録の対応状況は「${record.status}」です`, en: `The workflow completed, but the record's status is "${record.status}"`, expected: 'done', actual: record.status });
    }
    if (result?.resolution && result.resolution !== (record.resolution ?? null)) {
      mismatches.push({ kind: 'outcome_differs', ja: `ワークフローの結果「${result.resolution}」と記録の結果「${record.resolution ?? ''}」が異なります`, en: `The workflow ended "${result.resolution}", the record says "${record.resolution ?? ''}"`, expected: result.resolution, actual: record.resolution ?? null });
    }
  } else if (summary.closeStatus !== 'RUNNING' && record.status !== 'done') {
    mismatches.push({ kind: 'field_differs', ja: `ワークフローは ${summary.closeStatus} で終了していますが、記録は「${record.status}」のままです`, en: `The workflow ended ${summary.closeStatus}, but the record still says "${record.status}"`, expected: summary.closeStatus, actual: record.status });
  }

  return { consistent: mismatches.length === 0, toleranceMs, checked, notFromWorkflow, inFlight, mismatches };
}
